import { describe, expect, it } from 'vitest';

import { MatrixFileError } from '../../../src/evidence/matrix/matrix-types.ts';
import type { MatrixField } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { cseMatrixCheck } from '../../fixtures/matrix/make-cse-matrix.ts';

const check = cseMatrixCheck();
const parseCsv = (text: string) => parseMatrix(new TextEncoder().encode(text), 'csv', check);

// The header names the import promises to accept, written out here rather than imported so that a change to
// the source table cannot silently change what this test checks.
const VARIANTS: [MatrixField, string[]][] = [
  ['elements', ['Element', 'Element(s)', 'Elements', 'Element code(s)', 'Element no.', 'Criterion No.', 'Criterion', 'Ref', 'Code', 'CSE element']],
  ['title', ['Title', 'Evidence title', 'Evidence', 'Show me', 'Document', 'Document title', 'Description']],
  ['link', ['Link', 'URL', 'Web link', 'Location']],
  ['reference', ['Reference', 'Document reference', 'Doc ref', 'Evidence reference', 'Evidence ref']],
  ['owner', ['Owner', 'Responsible', 'Lead', 'Contact']],
  ['date', ['Date', 'Date added', 'Evidence date', 'Updated']],
  ['notes', ['Notes', 'Note', 'Comments', 'Tell me', 'Narrative']],
  ['evidenceType', ['Type', 'Evidence type', 'Kind', 'Category']],
];

describe('matrix header mapping', () => {
  it.each(VARIANTS)('maps every %s variant', async (field, names) => {
    for (const name of names) {
      // Both required columns must be present, so the variant replaces one of them or is added after them.
      let header = `Element,Title,"${name}"`;
      if (field === 'elements') header = `"${name}",Title`;
      if (field === 'title') header = `Element,"${name}"`;

      const parsed = await parseCsv(`${header}\n1.1.1,x\n`);
      const column = parsed.columns.find((candidate) => candidate.column === name);

      expect(column, name).toEqual({ column: name, field });
    }
  });

  it('ignores case, surrounding spaces and punctuation', async () => {
    const parsed = await parseCsv('"  ELEMENT CODE(S): ",evidence TITLE,#Doc. Ref#,date_added\n1.1.1,Policy,POL-1,1/1/2026\n');

    expect(parsed.columns.map((column) => column.field)).toEqual(['elements', 'title', 'reference', 'date']);
    expect(parsed.columns[0].column).toBe('  ELEMENT CODE(S): ');
    expect(parsed.items[0]).toMatchObject({ elements: ['1.1.1'], title: 'Policy', reference: 'POL-1', date: '2026-01-01' });
  });

  it('reports unknown and duplicate columns', async () => {
    const parsed = await parseCsv('Criterion No.,Show me,Priority,Description,Tell me,,RAG status\n1.1.1,Survey,High,Second title,Story,x,Green\n');

    expect(parsed.columns).toEqual([
      { column: 'Criterion No.', field: 'elements' },
      { column: 'Show me', field: 'title' },
      { column: 'Priority', field: null },
      { column: 'Description', field: null },
      { column: 'Tell me', field: 'notes' },
      { column: 'RAG status', field: null },
    ]);
    expect(parsed.items[0]).toMatchObject({ title: 'Survey', notes: 'Story' });
  });

  it('rejects a file without a title column', async () => {
    const reading = parseCsv('Element,Notes\n1.1.1,Policy\n');

    await expect(reading).rejects.toBeInstanceOf(MatrixFileError);
    await expect(reading).rejects.toThrow(/no title column \(accepted headers: Title, Evidence title, Evidence, Show me/);
  });

  it('rejects a file without an element column', async () => {
    const reading = parseCsv('Evidence title,Notes\nPolicy,x\n');

    await expect(reading).rejects.toThrow(/row 1\) is missing a required column: no element code column \(accepted headers: Element, Element\(s\)/);
  });

  it('names both missing columns', async () => {
    await expect(parseCsv('Owner,Notes\nA,B\n')).rejects.toThrow(/no element code column .*; no title column/);
  });

  it('rejects a file with only blank rows', async () => {
    await expect(parseCsv('\n,,\n\n')).rejects.toThrow(new MatrixFileError('The file has no header row: every row is blank.'));
  });
});
