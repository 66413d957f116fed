import { describe, expect, it } from 'vitest';

import { MatrixFileError } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { cseMatrixCheck } from '../../fixtures/matrix/make-cse-matrix.ts';

const check = cseMatrixCheck();
const parseCsv = (text: string) => parseMatrix(new TextEncoder().encode(text), 'csv', check);

describe('CSV import: row errors', () => {
  it('names an unknown element code with row and column', async () => {
    const parsed = await parseCsv('Element code(s),Title\n1.1.1,Fine\n"1.1.1; 9.9.9",Bad code\n');

    expect(parsed.items.map((item) => item.title)).toEqual(['Fine']);
    expect(parsed.errors).toEqual([{ row: 3, column: 'Element code(s)', message: 'Element code 9.9.9 is not an element of this standard.' }]);
  });

  it('reports a code turned into a date', async () => {
    const parsed = await parseCsv('Element,Title\n01/02/2003,Mangled\n');

    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ row: 2, column: 'Element' });
    expect(parsed.errors[0].message).toContain('looks like a date (01/02/2003)');
    expect(parsed.errors[0].message).toContain('may have turned element 1.2.3 into a date');
    expect(parsed.errors[0].message).toContain('format the column as text and type the code again');
  });

  it('reports a date that matches no element', async () => {
    const parsed = await parseCsv('Element,Title\n2003-02-09,Mangled\n');

    expect(parsed.errors[0].message).toContain('looks like a date (2003-02-09)');
    expect(parsed.errors[0].message).toContain('may have turned an element code into a date');
  });

  it('rejects a row without a title', async () => {
    const parsed = await parseCsv('Element,Title,Notes\n1.1.1,  ,Some notes\n');

    expect(parsed.rows).toBe(1);
    expect(parsed.items).toEqual([]);
    expect(parsed.errors).toEqual([{ row: 2, column: 'Title', message: 'Missing title. Each row needs one.' }]);
  });

  it('rejects a row without an element code', async () => {
    const parsed = await parseCsv('Element,Title\n ; ,Policy\n');

    expect(parsed.errors).toEqual([{ row: 2, column: 'Element', message: 'Missing element code. Each row needs at least one.' }]);
  });

  it('reports every fault of one row', async () => {
    const parsed = await parseCsv('Element,Title,Date\n"9.9.9, 8.8.8",,32/01/2026\n');

    expect(parsed.errors.map((error) => error.column)).toEqual(['Element', 'Element', 'Title', 'Date']);
    expect(parsed.errors.every((error) => error.row === 2)).toBe(true);
  });
});

describe('CSV import: unreadable files', () => {
  it('rejects binary data', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const reading = parseMatrix(png, 'csv', check);

    await expect(reading).rejects.toBeInstanceOf(MatrixFileError);
    await expect(reading).rejects.toThrow('not CSV text because it contains binary data');
  });

  it('names an XLSX sent as CSV', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);

    await expect(parseMatrix(zip, 'csv', check)).rejects.toThrow('Import it as XLSX');
  });

  it('names a PDF', async () => {
    await expect(parseMatrix(new TextEncoder().encode('%PDF-1.7\n'), 'csv', check)).rejects.toThrow('is a PDF');
  });

  it('rejects an empty file', async () => {
    await expect(parseMatrix(new Uint8Array(), 'csv', check)).rejects.toThrow('no header row');
  });

  it('rejects an unclosed quote', async () => {
    const reading = parseCsv('Element,Title\n1.1.1,"Policy\n');

    await expect(reading).rejects.toBeInstanceOf(MatrixFileError);
    await expect(reading).rejects.toThrow(/could not be read: Quote Not Closed/);
  });
});
