import ExcelJS from 'exceljs';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';

import { MatrixFileError } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { cseMatrixCheck } from '../../fixtures/matrix/make-cse-matrix.ts';

const check = cseMatrixCheck();
const HEADER = ['Element(s)', 'Title', 'Link', 'Owner', 'Date', 'Notes'];

async function workbookBytes(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function evidenceSheet(workbook: ExcelJS.Workbook, rows: ExcelJS.CellValue[][]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet('Matrix');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  return sheet;
}

describe('XLSX import: cell kinds', () => {
  it('reads rich text, hyperlinks, numbers, dates and formulas', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [
        [
          { richText: [{ text: '1.1.1; ', font: { bold: true } }, { text: '1.1.2' }] },
          { richText: [{ text: 'Complaints ', font: { italic: true } }, { text: 'policy' }] },
          { text: 'Open the policy', hyperlink: 'https://example.org/complaints' },
          2026,
          new Date(Date.UTC(2026, 10, 5)),
          { formula: 'CONCAT("Reviewed ","yearly")', result: 'Reviewed yearly' },
        ],
        ['2.1.1', { formula: 'UPPER("survey")', result: 'SURVEY' }, 'POL-9', 'Amir', { formula: 'TODAY()', result: new Date(Date.UTC(2025, 0, 31)) }, true],
      ]);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.errors).toEqual([]);
    expect(parsed.items).toEqual([
      { row: 2, elements: ['1.1.1', '1.1.2'], title: 'Complaints policy', link: 'https://example.org/complaints', reference: null, owner: '2026', date: '2026-11-05', notes: 'Reviewed yearly', evidenceType: null },
      { row: 3, elements: ['2.1.1'], title: 'SURVEY', link: null, reference: 'POL-9', owner: 'Amir', date: '2025-01-31', notes: 'TRUE', evidenceType: null },
    ]);
  });

  it('uses a linked title when the row has no link', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', { text: 'Library charter', hyperlink: 'https://example.org/charter' }]]);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.items[0]).toMatchObject({ title: 'Library charter', link: 'https://example.org/charter' });
  });

  it('reads a non-web hyperlink by its text', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', 'Policy', { text: 'Email the team', hyperlink: 'mailto:library@example.org' }]]);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.items[0]).toMatchObject({ link: null, reference: 'Email the team' });
  });

  it('reports a formula error in a cell', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', { formula: 'VLOOKUP(A1,Z:Z,2)', result: { error: '#N/A' } }]]);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.errors).toEqual([{ row: 2, column: 'Title', message: 'The cell shows the formula error #N/A. Correct the formula or type the value.' }]);
  });

  it('reports an element cell stored as a date', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [[new Date(Date.UTC(2003, 1, 1)), 'Mangled code']]);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ row: 2, column: 'Element(s)' });
    expect(parsed.errors[0].message).toContain('looks like a date (01/02/2003)');
    expect(parsed.errors[0].message).toContain('element 1.2.3');
  });

  it('numbers rows as the sheet does', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = workbook.addWorksheet('Matrix');
      sheet.getRow(3).values = HEADER;
      sheet.getRow(4).values = ['1.1.1', 'First'];
      sheet.getRow(7).values = ['1.1.2', 'Second'];
      sheet.getRow(8).values = ['9.9.9', 'Bad'];
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.items.map((item) => item.row)).toEqual([4, 7]);
    expect(parsed.errors.map((error) => error.row)).toEqual([8]);
    expect(parsed.rows).toBe(3);
  });

  it('keeps a vertical merge and drops a horizontal one', async () => {
    const bytes = await workbookBytes((workbook) => {
      const sheet = evidenceSheet(workbook, [['1.1.1', 'Policy', 'ignored'], [null, 'Survey']]);
      sheet.mergeCells('A2:A3');
      sheet.mergeCells('B2:C2');
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.items.map((item) => [item.elements, item.title, item.link, item.reference])).toEqual([
      [['1.1.1'], 'Policy', null, null],
      [['1.1.1'], 'Survey', null, null],
    ]);
  });

  it('reads only the first worksheet as evidence', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', 'First sheet']]);
      workbook.addWorksheet('Other').addRow(['nonsense']);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.items.map((item) => item.title)).toEqual(['First sheet']);
  });
});

describe('XLSX import: Self-assessment sheet', () => {
  it('reads ratings by id or label', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', 'Policy']]);
      const sheet = workbook.addWorksheet('SELF-ASSESSMENT');
      sheet.addRow(['Element', 'Rating', 'Statement']);
      sheet.addRow(['1.1.1', 'compliance_plus', 'We survey every year.']);
      sheet.addRow(['1.1.2', 'compliance plus', "'=HYPERLINK(\"x\")"]);
      sheet.addRow([]);
      sheet.addRow(['1.1.3', 'Non-Compliance', null]);
      sheet.addRow(['1.1.1', 'compliance', 'Again']);
      sheet.addRow(['9.9.9', 'compliance', '']);
      sheet.addRow(['1.2.1', 'Excellent', '']);
      sheet.addRow([new Date(Date.UTC(2003, 1, 1)), 'compliance', '']);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.assessments).toEqual([
      { row: 2, code: '1.1.1', rating: 'compliance_plus', statement: 'We survey every year.' },
      { row: 3, code: '1.1.2', rating: 'compliance_plus', statement: '=HYPERLINK("x")' },
      { row: 5, code: '1.1.3', rating: 'non_compliance', statement: '' },
    ]);
    expect(parsed.errors.map((error) => [error.row, error.column])).toEqual([[6, 'Element'], [7, 'Element'], [8, 'Rating'], [9, 'Element']]);
    expect(parsed.errors[0].message).toBe('SELF-ASSESSMENT sheet: Element 1.1.1 is already rated on row 2. Keep one row per element.');
    expect(parsed.errors[2].message).toContain('Rating Excellent is not a rating of this standard. Use one of: Compliance Plus');
    expect(parsed.errors[3].message).toContain('element 1.2.3');
  });

  it('reports a sheet without a rating column', async () => {
    const bytes = await workbookBytes((workbook) => {
      evidenceSheet(workbook, [['1.1.1', 'Policy']]);
      const sheet = workbook.addWorksheet('Self-assessment');
      sheet.addRow(['Element', 'Statement']);
      sheet.addRow(['1.1.1', 'Text']);
    });
    const parsed = await parseMatrix(bytes, 'xlsx', check);

    expect(parsed.assessments).toEqual([]);
    expect(parsed.items).toHaveLength(1);
    expect(parsed.errors).toEqual([{ row: 1, column: null, message: 'Self-assessment sheet: the header row has no Rating (or Self-assessment rating, Compliance) column, so the sheet was not read.' }]);
  });
});

describe('XLSX import: unreadable files', () => {
  it('rejects CSV text sent as XLSX', async () => {
    const reading = parseMatrix(new TextEncoder().encode('Element,Title\n1.1.1,x\n'), 'xlsx', check);

    await expect(reading).rejects.toBeInstanceOf(MatrixFileError);
    await expect(reading).rejects.toThrow('not an XLSX workbook');
  });

  it('rejects a ZIP that is not a workbook', async () => {
    const zip = zipSync({ 'readme.txt': strToU8('hello') });

    await expect(parseMatrix(zip, 'xlsx', check)).rejects.toBeInstanceOf(MatrixFileError);
  });

  it('rejects a workbook without a worksheet', async () => {
    const bytes = await workbookBytes(() => {});

    await expect(parseMatrix(bytes, 'xlsx', check)).rejects.toThrow(new MatrixFileError('The XLSX workbook has no worksheet.'));
  });

  it('rejects the old .xls format', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

    await expect(parseMatrix(xls, 'xlsx', check)).rejects.toThrow('Excel 97–2003 (.xls)');
  });

  it('rejects a sheet without the required columns', async () => {
    const bytes = await workbookBytes((workbook) => {
      workbook.addWorksheet('Matrix').addRow(['Element', 'Owner']);
    });

    await expect(parseMatrix(bytes, 'xlsx', check)).rejects.toThrow(/no title column/);
  });
});
