import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// Every character here exists in Windows-1252 too, so that all encodings can carry the same rows.
const ROWS = [
  ['1.1.1', 'Café menu – £2.50', '“Smart” quotes, naïve façade'],
  ['1.2.1', 'Opening hours — Sunday', 'Œuvre of the month; 50% off'],
  ['2.1.1', 'Ask a librarian', ''],
];
const HEADER = ['Element', 'Title', 'Notes'];
const CSV = [HEADER, ...ROWS].map((cells) => cells.map((cell) => (/[",;]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')).join('\r\n');

const withBom = (bom: number[], bytes: Uint8Array) => new Uint8Array([...bom, ...bytes]);

async function workbook(): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Evidence');
  sheet.addRows([HEADER, ...ROWS]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

describe('evidence matrix in every spreadsheet encoding', () => {
  let app: TestApp;
  let staff: TestPerson;

  const newDraft = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
  const importInto = async (id: string, fileName: string, bytes: Uint8Array) => app.upload(`/api/applications/${id}/evidence-matrix`, staff.token, [{ name: 'file', fileName, body: bytes }]);
  const titles = async (id: string) => ((await app.call('GET', `/api/applications/${id}/evidence?limit=500`, staff.token)).body.items as { title: string; body: string | null }[]).map((item) => [item.title, item.body ?? '']).sort();

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
  });

  afterAll(async () => {
    await app?.dispose();
  });

  const ENCODINGS: [string, string, () => Uint8Array | Promise<Uint8Array>][] = [
    ['UTF-8', 'matrix.csv', () => new TextEncoder().encode(CSV)],
    ['UTF-8 with a byte-order mark', 'matrix.csv', () => withBom([0xef, 0xbb, 0xbf], new TextEncoder().encode(CSV))],
    ['UTF-16 little-endian with a byte-order mark', 'matrix.txt', () => withBom([0xff, 0xfe], new Uint8Array(iconv.encode(CSV, 'utf16le')))],
    ['UTF-16 big-endian with a byte-order mark', 'matrix.txt', () => withBom([0xfe, 0xff], new Uint8Array(iconv.encode(CSV, 'utf16be')))],
    ['Windows-1252', 'matrix.csv', () => new Uint8Array(iconv.encode(CSV, 'win1252'))],
    ['XLSX', 'matrix.xlsx', workbook],
  ];

  it.each(ENCODINGS)('imports %s to the same items', async (_encoding, fileName, bytes) => {
    const id = await newDraft();

    const response = await importInto(id, fileName, await bytes());

    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ rows: ROWS.length, created: ROWS.length, errors: [] });
    expect(await titles(id)).toEqual(ROWS.map(([, title, notes]) => [title, notes]).sort());
  });

  it('rejects UTF-16 without a byte-order mark', async () => {
    const id = await newDraft();

    const response = await importInto(id, 'matrix.txt', new Uint8Array(iconv.encode(CSV, 'utf16le')));

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await titles(id)).toEqual([]);
  });

  it('unpaired surrogate in UTF-16: no 5xx', async () => {
    const id = await newDraft();
    const text = iconv.encode('Element,Title,Notes\r\n1.1.1,Survey ', 'utf16le');
    // 0xD83D alone is the first half of an emoji with no second half.
    const bytes = withBom([0xff, 0xfe], new Uint8Array([...text, 0x3d, 0xd8, ...iconv.encode(' results,Notes\r\n', 'utf16le')]));

    const response = await importInto(id, 'matrix.txt', bytes);

    expect(response.status).toBeLessThan(500);
    if (response.status === 200) {
      const [[title]] = await titles(id);
      expect(title.isWellFormed()).toBe(true);
    }
  });
});
