import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { MatrixFileError } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { cseMatrixCheck } from '../../fixtures/matrix/make-cse-matrix.ts';

const check = cseMatrixCheck();
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const parseCsv = (text: string) => parseMatrix(utf8(text), 'csv', check);

describe('CSV import: encodings and separators', () => {
  it('reads UTF-8 with a byte-order mark', async () => {
    const parsed = await parseMatrix(utf8('\uFEFFElement(s),Title\r\n1.1.1,Café opening hours £0\r\n'), 'csv', check);

    expect(parsed.columns).toEqual([{ column: 'Element(s)', field: 'elements' }, { column: 'Title', field: 'title' }]);
    expect(parsed.items.map((item) => item.title)).toEqual(['Café opening hours £0']);
    expect(parsed.errors).toEqual([]);
  });

  it('reads UTF-8 without a byte-order mark', async () => {
    const parsed = await parseCsv('Element,Title\n1.1.1,Crèche visits: Siân’s report\n');

    expect(parsed.items[0].title).toBe('Crèche visits: Siân’s report');
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', async () => {
    const bytes = iconv.encode('Element,Title,Notes\r\n1.1.1,Café menu – £2.50,“Smart” quotes and é\r\n', 'win1252');
    const parsed = await parseMatrix(bytes, 'csv', check);

    expect(parsed.errors).toEqual([]);
    expect(parsed.items[0].title).toBe('Café menu – £2.50');
    expect(parsed.items[0].notes).toBe('“Smart” quotes and é');
  });

  it('detects semicolon separators from the header', async () => {
    const parsed = await parseCsv('Element(s);Title;Notes\n"1.1.1, 1.1.2";"Policy; revised";Note, with a comma\n');

    expect(parsed.errors).toEqual([]);
    expect(parsed.items[0].elements).toEqual(['1.1.1', '1.1.2']);
    expect(parsed.items[0].title).toBe('Policy; revised');
    expect(parsed.items[0].notes).toBe('Note, with a comma');
  });

  it('ignores separators inside a quoted header', async () => {
    const parsed = await parseCsv('"Element; code";Title\n1.1.1;Policy\n');

    expect(parsed.columns.map((column) => column.column)).toEqual(['Element; code', 'Title']);
    expect(parsed.items).toHaveLength(1);
  });

  it('reads tab separators', async () => {
    const parsed = await parseCsv('Element\tTitle\n1.1.1\tPolicy, revised\n');

    expect(parsed.items[0].title).toBe('Policy, revised');
  });

  it('reads UTF-16 with a byte-order mark', async () => {
    const bytes = iconv.encode('\uFEFFElement\tTitle\r\n1.1.1\tŵyr a wyres\r\n', 'utf16le');
    const parsed = await parseMatrix(bytes, 'csv', check);

    expect(parsed.items[0].title).toBe('ŵyr a wyres');
  });
});

describe('CSV import: row numbering', () => {
  it('numbers records, skipping blank rows', async () => {
    const text = [
      'Element(s),Title,Notes',
      '1.1.1,Complaints policy,"Line one\r\nLine two, with a comma\r\n""Quoted"""',
      '',
      ',,',
      '1.1.2,Service standards,plain',
      '9.9.9,Unknown code,',
      '  ,   ,  ',
      '1.1.3,Last row,',
    ].join('\r\n');
    const parsed = await parseCsv(`${text}\r\n`);

    expect(parsed.rows).toBe(4);
    expect(parsed.items.map((item) => item.row)).toEqual([2, 5, 8]);
    expect(parsed.items[0].notes).toBe('Line one\nLine two, with a comma\n"Quoted"');
    expect(parsed.errors.map((error) => error.row)).toEqual([6]);
  });

  it('mixes CRLF and LF line ends', async () => {
    const parsed = await parseCsv('Element,Title\r\n1.1.1,First\n1.1.2,Second\r\n\n1.1.3,Third');

    expect(parsed.items.map((item) => [item.row, item.title])).toEqual([[2, 'First'], [3, 'Second'], [5, 'Third']]);
  });

  it('finds the header below a title line', async () => {
    const parsed = await parseCsv('Evidence matrix 2026,,\n,,\nElement,Title,Owner\n1.1.1,Policy,Amir Haddad\n');

    expect(parsed.columns.map((column) => column.field)).toEqual(['elements', 'title', 'owner']);
    expect(parsed.items.map((item) => item.row)).toEqual([4]);
    expect(parsed.rows).toBe(1);
  });
});

describe('CSV import: fields', () => {
  it('reads every date form to ISO', async () => {
    const forms = ['05/11/2026', '5/11/26', '05-11-2026', '5 Nov 2026', '5 November 2026', '2026-11-05', '5th Nov 2026', '05.11.2026', '05/11/2026 14:30'];
    const lines = forms.map((form) => `1.1.1,Policy,${form}`);
    const parsed = await parseCsv(['Element,Title,Date', ...lines].join('\n'));

    expect(parsed.errors).toEqual([]);
    expect(parsed.items.map((item) => item.date)).toEqual(forms.map(() => '2026-11-05'));
  });

  it('reads two-digit years as Excel does', async () => {
    const parsed = await parseCsv('Element,Title,Date\n1.1.1,A,1/2/29\n1.1.1,B,1/2/30\n');

    expect(parsed.items.map((item) => item.date)).toEqual(['2029-02-01', '1930-02-01']);
  });

  it('rejects an impossible date', async () => {
    const parsed = await parseCsv('Element,Title,Evidence date\n1.1.1,Policy,31/02/2026\n1.1.1,Leap day,29/02/2028\n');

    expect(parsed.items.map((item) => item.date)).toEqual(['2028-02-29']);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ row: 2, column: 'Evidence date' });
    expect(parsed.errors[0].message).toContain('31/02/2026 does not exist');
  });

  it('rejects a date in no recognised form', async () => {
    const parsed = await parseCsv('Element,Title,Date\n1.1.1,Policy,next week\n');

    expect(parsed.errors[0]).toMatchObject({ row: 2, column: 'Date' });
    expect(parsed.errors[0].message).toContain('next week is not in a recognised form');
  });

  it('sorts the link column into link or reference', async () => {
    const parsed = await parseCsv('Element,Title,Link\n1.1.1,Web,https://example.org/a?b=c\n1.1.1,Drive,S:\\Policies\\Complaints.docx\n1.1.1,None,\n');

    expect(parsed.items.map((item) => [item.link, item.reference])).toEqual([
      ['https://example.org/a?b=c', null],
      [null, 'S:\\Policies\\Complaints.docx'],
      [null, null],
    ]);
  });

  it('rejects a non-URL link beside a reference column', async () => {
    const parsed = await parseCsv('Element,Title,URL,Doc ref\n1.1.1,Web,HTTPS://example.org,POL-1\n1.1.1,Drive,www.example.org,POL-2\n');

    expect(parsed.items.map((item) => [item.link, item.reference])).toEqual([['HTTPS://example.org', 'POL-1']]);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ row: 3, column: 'URL' });
    expect(parsed.errors[0].message).toContain('Doc ref column');
  });

  it('reads owner, notes and evidence type as written', async () => {
    const parsed = await parseCsv('Element,Title,Responsible,Comments,Category\n1.1.1,Policy, Siân Llewelyn ,,Other – see notes\n');

    expect(parsed.items[0]).toEqual({
      row: 2, elements: ['1.1.1'], title: 'Policy', link: null, reference: null,
      owner: 'Siân Llewelyn', date: null, notes: null, evidenceType: 'Other – see notes',
    });
  });

  it('removes the formula guard apostrophe', async () => {
    const parsed = await parseCsv("Element,Title,Notes,Owner\n1.1.1,'=SUM(A1),'-5% change,'@mention\n1.1.2,'tis the season,'+44 1970,''=x\n");

    expect(parsed.items.map((item) => [item.title, item.notes, item.owner])).toEqual([
      ['=SUM(A1)', '-5% change', '@mention'],
      ["'tis the season", '+44 1970', "''=x"],
    ]);
  });

  it('splits element codes on semicolons, commas and spaces', async () => {
    const parsed = await parseCsv('Element,Title\n"1.1.1; 1.1.2,1.1.3  2.1.1 ; 1.1.1",Policy\n');

    expect(parsed.items[0].elements).toEqual(['1.1.1', '1.1.2', '1.1.3', '2.1.1']);
  });
});
