import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exportXlsx } from '../../src/evidence/matrix/export-matrix.ts';
import type { ExportAssessment, ExportItem } from '../../src/evidence/matrix/export-matrix.ts';
import { parseMatrix } from '../../src/evidence/matrix/parse-matrix.ts';
import { ascii, makePdf } from '../fixtures/files/make-files.ts';
import { CSE_ELEMENT_CODES, CSE_RATINGS, cseMatrixCheck, makeCseAssessments, makeCseMatrix } from '../fixtures/matrix/make-cse-matrix.ts';
import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The fixture lists an item's codes in the order written, but the database keeps them as a set and lists them
// by code. Sorting them here lets an export be compared with its source row for row.
const ITEMS: ExportItem[] = makeCseMatrix(300).map((item) => ({ ...item, elements: [...item.elements].sort() }));
const ASSESSMENTS: ExportAssessment[] = makeCseAssessments();

// Header names as a library might write them, and a column that the importer does not know.
const SOURCE_HEADER = ['Element code(s)', 'Evidence title', 'URL', 'Doc ref', 'Responsible', 'Date added', 'Comments', 'Category', 'RAG status'];
const SOURCE_COLUMNS = [
  { column: 'Element code(s)', field: 'elements' },
  { column: 'Evidence title', field: 'title' },
  { column: 'URL', field: 'link' },
  { column: 'Doc ref', field: 'reference' },
  { column: 'Responsible', field: 'owner' },
  { column: 'Date added', field: 'date' },
  { column: 'Comments', field: 'notes' },
  { column: 'Category', field: 'evidenceType' },
  { column: 'RAG status', field: null },
];

/** Writes RFC 4180 CSV: fields containing the separator, a quote or a line break are quoted. */
function toCsv(rows: string[][], separator = ',', lineEnd = '\r\n'): string {
  const quote = (field: string) => (field.includes(separator) || /["\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
  return rows.map((row) => row.map(quote).join(separator)).join(lineEnd) + lineEnd;
}

/** Formats an ISO date as a UK spreadsheet shows it, DD/MM/YYYY. */
function dayFirst(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

/** Builds the matrix as a library's own CSV: UTF-8, comma-separated, UK dates, cells that look like formulas left bare. */
function sourceCsv(items: ExportItem[]): Uint8Array {
  const rows = items.map((item, index) => [
    item.elements.join(', '),
    item.title,
    item.link ?? '',
    item.reference ?? '',
    item.owner ?? '',
    item.date === null ? '' : dayFirst(item.date),
    item.notes ?? '',
    item.evidenceType ?? '',
    ['Green', 'Amber', 'Red'][index % 3],
  ]);
  return new TextEncoder().encode(toCsv([SOURCE_HEADER, ...rows]));
}

/**
 * Builds the matrix as a library's own workbook: a title line above the header, links as hyperlink cells, dates
 * as date cells, and a Self-assessment sheet with ratings written as their labels.
 */
async function sourceXlsx(items: ExportItem[], assessments: ExportAssessment[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const evidence = workbook.addWorksheet('CSE evidence');
  evidence.addRow(['Evidence matrix 2026']);
  evidence.addRow(['Element', 'Title', 'Link', 'Reference', 'Owner', 'Date', 'Notes', 'Evidence type']);
  for (const item of items) {
    evidence.addRow([
      item.elements.join('; '),
      item.title,
      item.link === null ? null : { text: 'Open the document', hyperlink: item.link },
      item.reference,
      item.owner,
      item.date === null ? null : new Date(`${item.date}T00:00:00Z`),
      item.notes,
      item.evidenceType,
    ]);
  }

  const labels = new Map(CSE_RATINGS.map((rating) => [rating.id, rating.label]));
  const ratings = workbook.addWorksheet('Self-assessment');
  ratings.addRow(['Element', 'Rating', 'Statement']);
  for (const assessment of assessments) ratings.addRow([assessment.code, labels.get(assessment.rating), assessment.statement]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

type EvidenceView = {
  title: string;
  kind: string;
  url: string | null;
  body: string | null;
  reference: string | null;
  owner: string | null;
  evidenceDate: string | null;
  evidenceType: string | null;
  codes: string[];
};

/** The evidence that importing `item` should create: a link item when the row has a link, otherwise a note. */
function expectedEvidence(item: ExportItem): EvidenceView {
  return {
    title: item.title,
    kind: item.link === null ? 'note' : 'link',
    url: item.link,
    body: item.link === null ? (item.notes ?? '') : item.notes,
    reference: item.reference,
    owner: item.owner,
    evidenceDate: item.date,
    evidenceType: item.evidenceType,
    codes: item.elements,
  };
}

/**
 * Sets the declared uncompressed size of one entry in the ZIP central directory, so that the workbook claims
 * to unpack to `size` bytes while its content stays small.
 */
function declareEntrySize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const patched = zip.slice();
  const view = new DataView(patched.buffer);
  const name = ascii(entryName);
  for (let offset = 0; offset + 46 <= patched.byteLength; offset++) {
    if (view.getUint32(offset, true) !== 0x02014b50 || view.getUint16(offset + 28, true) !== name.byteLength) continue;
    if (!name.every((byte, index) => patched[offset + 46 + index] === byte)) continue;
    view.setUint32(offset + 24, size, true);
    return patched;
  }
  throw new Error(`${entryName} is not in the central directory`);
}

describe('evidence matrix over HTTP', () => {
  let app: TestApp;
  let staff: TestPerson;
  let otherStaff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let csvBytes: Uint8Array;
  let xlsxBytes: Uint8Array;
  // Applications that contain the 300-row matrix, imported once as CSV and once as XLSX with ratings.
  let fromCsv: string;
  let fromXlsx: string;

  const matrixUrl = (id: string) => `/api/applications/${id}/evidence-matrix`;
  const newDraft = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
  const importFile = (id: string, fileName: string, body: Uint8Array | string, query = '', token = staff.token) =>
    app.upload(`${matrixUrl(id)}${query}`, token, [{ name: 'file', fileName, type: 'application/octet-stream', body }]);
  const evidenceCount = async (id: string) => (await app.call('GET', `/api/applications/${id}/evidence?includeDeleted=true`, staff.token)).body.total as number;
  const selfAssessments = async (id: string) =>
    (await app.call('GET', `/api/applications/${id}/self-assessment?limit=100`, staff.token)).body.items.map(({ code, rating, statement }: ExportAssessment) => ({ code, rating, statement }));
  const evidenceOf = async (id: string): Promise<EvidenceView[]> => {
    const response = await app.call('GET', `/api/applications/${id}/evidence?limit=500`, staff.token);
    return response.body.items.map((item: EvidenceView & { elements: { code: string }[] }) => ({
      title: item.title,
      kind: item.kind,
      url: item.url,
      body: item.body,
      reference: item.reference,
      owner: item.owner,
      evidenceDate: item.evidenceDate,
      evidenceType: item.evidenceType,
      codes: item.elements.map((mapping) => mapping.code),
    }));
  };
  const download = async (id: string, format: 'csv' | 'xlsx') => {
    const response = await app.raw('GET', `${matrixUrl(id)}.${format}`, quality.token);
    if (response.status !== 200) throw new Error(`export ${format} failed: ${response.status} ${await response.text()}`);
    return { headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${JSON.stringify(response.body)}`);
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    otherStaff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
    csvBytes = sourceCsv(ITEMS);
    xlsxBytes = await sourceXlsx(ITEMS, ASSESSMENTS);
    fromCsv = await newDraft();
    fromXlsx = await newDraft();
  });

  afterAll(async () => {
    await app.dispose();
  });

  describe('the 300-row CSE matrix', () => {
    it('imports as CSV in one request', async () => {
      const response = await importFile(fromCsv, 'evidence-matrix.csv', csvBytes);

      expect(response.status).toBe(200);
      expect(response.body.rows).toBe(300);
      expect(response.body.created).toBe(300);
      expect(response.body.errors).toEqual([]);
      expect(response.body.columns).toEqual(SOURCE_COLUMNS);
      expect(await evidenceOf(fromCsv)).toEqual(ITEMS.map(expectedEvidence));
    });

    it('imports as XLSX with ratings', async () => {
      const response = await importFile(fromXlsx, 'evidence-matrix.xlsx', xlsxBytes);

      expect(response.status).toBe(200);
      expect(response.body.rows).toBe(300);
      expect(response.body.created).toBe(300);
      expect(response.body.errors).toEqual([]);
      expect(await evidenceOf(fromXlsx)).toEqual(ITEMS.map(expectedEvidence));
      expect(await selfAssessments(fromXlsx)).toEqual(ASSESSMENTS);
    });

    it('covers all 57 elements from XLSX', async () => {
      const response = await app.call('GET', `/api/applications/${fromXlsx}/coverage`, quality.token);
      const criteria: { elements: number; withEvidence: number; rated: number }[] = response.body.criteria;

      expect(response.status).toBe(200);
      expect(criteria.reduce((sum, criterion) => sum + criterion.elements, 0)).toBe(57);
      expect(criteria.reduce((sum, criterion) => sum + criterion.withEvidence, 0)).toBe(57);
      expect(criteria.reduce((sum, criterion) => sum + criterion.rated, 0)).toBe(57);
    });

    it('covers all 57 elements from CSV', async () => {
      const response = await app.call('GET', `/api/applications/${fromCsv}/coverage`, quality.token);
      const criteria: { elements: number; withEvidence: number }[] = response.body.criteria;

      expect(criteria.map((criterion) => criterion.withEvidence)).toEqual(criteria.map((criterion) => criterion.elements));
      expect(criteria.reduce((sum, criterion) => sum + criterion.withEvidence, 0)).toBe(CSE_ELEMENT_CODES.length);
    });
  });

  describe('export and re-import', () => {
    it('exports CSV with the source rows', async () => {
      const { headers, bytes } = await download(fromCsv, 'csv');
      const exported = await parseMatrix(bytes, 'csv', cseMatrixCheck());
      const source = await parseMatrix(csvBytes, 'csv', cseMatrixCheck());

      expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(headers.get('content-disposition')).toBe('attachment; filename="evidence-matrix.csv"');
      expect(exported.errors).toEqual([]);
      expect(exported.rows).toBe(300);
      expect(exported.items).toEqual(source.items);
    });

    it('re-imports the CSV export', async () => {
      const { bytes } = await download(fromCsv, 'csv');
      const copy = await newDraft();
      const response = await importFile(copy, 'evidence-matrix.csv', bytes);

      expect(response.status).toBe(200);
      expect(response.body.created).toBe(300);
      expect(await evidenceOf(copy)).toEqual(await evidenceOf(fromCsv));
    });

    it('re-imports the XLSX export', async () => {
      const { headers, bytes } = await download(fromXlsx, 'xlsx');
      const copy = await newDraft();
      const response = await importFile(copy, 'evidence-matrix.xlsx', bytes);

      expect(headers.get('content-type')).toBe(XLSX_TYPE);
      expect(response.status).toBe(200);
      expect(response.body.created).toBe(300);
      expect(await evidenceOf(copy)).toEqual(await evidenceOf(fromXlsx));
      expect(await selfAssessments(copy)).toEqual(await selfAssessments(fromXlsx));
    });

    it('keeps formula-like cells', async () => {
      const id = await newDraft();
      const cells = ['=SUM(A1)', '+44 20', '-5% change', '@mention'];
      const rows = [['Element', 'Title', 'Reference', 'Owner', 'Notes'], ['1.1.1', ...cells]];
      expect((await importFile(id, 'formulas.csv', toCsv(rows))).status).toBe(200);

      const { bytes } = await download(id, 'csv');
      const exportedRow = new TextDecoder().decode(bytes).split('\r\n')[1];
      expect(exportedRow).toBe(`1.1.1,'=SUM(A1),,'+44 20,'-5% change,,'@mention,`);

      const copy = await newDraft();
      expect((await importFile(copy, 'evidence-matrix.csv', bytes)).status).toBe(200);
      const [item] = await evidenceOf(copy);
      expect([item.title, item.reference, item.owner, item.body]).toEqual(cells);

      const fromWorkbook = await newDraft();
      expect((await importFile(fromWorkbook, 'evidence-matrix.xlsx', (await download(id, 'xlsx')).bytes)).status).toBe(200);
      expect(await evidenceOf(fromWorkbook)).toEqual([item]);
    });
  });

  describe('dry run', () => {
    it('reports and writes nothing', async () => {
      const id = await newDraft();
      const response = await importFile(id, 'evidence-matrix.xlsx', xlsxBytes, '?dryRun=true');

      expect(response.status).toBe(200);
      expect(response.body.rows).toBe(300);
      expect(response.body.created).toBe(300);
      expect(response.body.errors).toEqual([]);
      expect(await evidenceCount(id)).toBe(0);
      expect(await selfAssessments(id)).toEqual([]);
    });

    it('rejects dryRun=maybe', async () => {
      const response = await importFile(await newDraft(), 'evidence-matrix.csv', csvBytes, '?dryRun=maybe');

      expect(response.status).toBe(422);
      expect(response.body.detail).toContain('dryRun "maybe" is invalid');
    });
  });

  describe('invalid rows', () => {
    it('counts rows, not problems', async () => {
      const id = await newDraft();
      const csv = toCsv([
        ['Element', 'Title', 'Date'],
        ['9.9.9', 'Unknown code', ''],
        ['1.2.1', '', '31/02/2026'],
      ]);

      const response = await importFile(id, 'matrix.csv', csv);

      expect(response.status).toBe(422);
      expect(response.body.errors).toHaveLength(3);
      expect(response.body.detail).toMatch(/^The evidence matrix has 2 invalid rows \(3 problems\), so nothing was imported\./);
    });

    it('rejects the whole matrix and names each row', async () => {
      const id = await newDraft();
      await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'note', title: 'Existing note', body: 'Added by hand', elements: [{ code: '1.1.1' }] });
      // Row 2 spans three lines, and row 3 is blank, so line numbers and row numbers differ.
      const csv = toCsv([
        ['Element', 'Title', 'Date', 'Notes'],
        ['1.1.1', 'Valid row', '05/11/2026', 'First line\nsecond line\nthird line'],
        ['', '', '', ''],
        ['9.9.9', 'Unknown code', '', ''],
        ['1.2.1', '', '', 'No title'],
        ['1.3.1', 'Impossible date', '31/02/2026', ''],
        ['01/02/2003', 'Code that a spreadsheet turned into a date', '', ''],
      ]);
      const response = await importFile(id, 'matrix.csv', csv);
      const messages: string[] = response.body.errors.map((error: { message: string }) => error.message);

      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.code).toBe('invalid_input');
      expect(response.body.rows).toBe(5);
      expect(response.body.created).toBe(0);
      expect(response.body.columns.map((column: { field: string }) => column.field)).toEqual(['elements', 'title', 'date', 'notes']);
      expect(response.body.errors.map(({ row, column }: { row: number; column: string }) => [row, column])).toEqual([
        [4, 'Element'],
        [5, 'Title'],
        [6, 'Date'],
        [7, 'Element'],
      ]);
      expect(messages[0]).toBe('Element code 9.9.9 is not an element of this standard.');
      expect(messages[1]).toBe('Missing title. Each row needs one.');
      expect(messages[2]).toContain('Date 31/02/2026 does not exist');
      expect(messages[3]).toContain('looks like a date (01/02/2003)');
      expect(messages[3]).toContain('may have turned element 1.2.3 into a date');
      expect(response.body.detail).toContain('row 4');
      expect(await evidenceCount(id)).toBe(1);
    });

    it('names a missing required column', async () => {
      const id = await newDraft();
      const response = await importFile(id, 'matrix.csv', 'Element,Notes\r\n1.1.1,Survey results\r\n');

      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors[0]).toMatchObject({ row: 1, column: null });
      expect(response.body.errors[0].message).toContain('no title column');
      expect(response.body.detail).toContain('no title column');
      expect(response.body.created).toBe(0);
      expect(await evidenceCount(id)).toBe(0);
    });
  });

  it('reads Windows-1252 with semicolons', async () => {
    const id = await newDraft();
    const text = toCsv(
      [
        ['Element', 'Title', 'Owner', 'Notes'],
        ['1.1.1; 1.1.2', 'Café leaflet – £5', 'Siân', 'Line one\r\nLine two; “quoted”'],
        ['2.1.1', 'Opening hours', '', ''],
      ],
      ';',
      '\r\n',
    );
    const bytes = new Uint8Array(iconv.encode(text, 'win1252'));
    const response = await importFile(id, 'matrix.csv', bytes);
    const items = await evidenceOf(id);

    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(response.status).toBe(200);
    expect(response.body.rows).toBe(2);
    expect(items[0]).toMatchObject({ title: 'Café leaflet – £5', owner: 'Siân', body: 'Line one\nLine two; “quoted”', codes: ['1.1.1', '1.1.2'] });
    expect(items[1]).toMatchObject({ title: 'Opening hours', kind: 'note', body: '', codes: ['2.1.1'] });
  });

  describe('bad requests', () => {
    let id: string;

    beforeAll(async () => {
      id = await newDraft();
    });

    it('PDF as the matrix: 415', async () => {
      const response = await importFile(id, 'matrix.csv', makePdf());

      expect(response.status).toBe(415);
      expect(response.body.code).toBe('unsupported_media_type');
      expect(response.body.detail).toContain('application/pdf');
    });

    it('empty file: 400', async () => {
      const response = await importFile(id, 'matrix.csv', new Uint8Array());

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('empty_file');
    });

    it('JSON body: 415', async () => {
      const response = await app.call('POST', matrixUrl(id), staff.token, { rows: [] });

      expect(response.status).toBe(415);
      expect(response.body.code).toBe('unsupported_media_type');
    });

    it('ZIP bomb workbook: 422', async () => {
      const workbook = await exportXlsx(ITEMS.slice(0, 3), []);
      const bomb = declareEntrySize(workbook, 'xl/worksheets/sheet1.xml', 0xfffffffe);
      const response = await importFile(id, 'matrix.xlsx', bomb);

      expect(response.status).toBe(422);
      expect(response.body.errors[0].message).toMatch(/unpacks to 4,29\d(\.\d)? MB/);
      expect(response.body.errors[0].message).toContain('more than the 200 MB (200,000,000 bytes) allowed');
      expect(await evidenceCount(id)).toBe(0);
    });
  });

  describe('state and access', () => {
    it('frozen application: 409', async () => {
      const id = await newDraft();
      await send(id, staff.token, { type: 'start' });
      await completeEvidence(app.call, id, staff.token, elementCodes(app));
      await send(id, staff.token, { type: 'review.request' });
      const before = await evidenceCount(id);

      const response = await importFile(id, 'evidence-matrix.csv', csvBytes);
      const dryRun = await importFile(id, 'evidence-matrix.csv', csvBytes, '?dryRun=true');

      expect(response.status).toBe(409);
      expect(response.body.code).toBe('evidence_frozen');
      expect(dryRun.status).toBe(409);
      expect(await evidenceCount(id)).toBe(before);
    });

    it('imports while gathering evidence', async () => {
      const id = await newDraft();
      await send(id, staff.token, { type: 'start' });

      const response = await importFile(id, 'matrix.csv', 'Element,Title\r\n1.1.1,Customer insight survey\r\n');

      expect(response.status).toBe(200);
      expect(await evidenceCount(id)).toBe(1);
    });

    it.each([
      ['mentor', () => mentor],
      ['quality group', () => quality],
    ])('%s importing: 403', async (_role, person) => {
      const id = await newDraft();
      const response = await importFile(id, 'evidence-matrix.csv', csvBytes, '', person().token);

      expect(response.status).toBe(403);
      expect(response.body.code).toBe('forbidden');
      expect(await evidenceCount(id)).toBe(0);
    });

    it('staff of another library: 404', async () => {
      const id = await newDraft();
      const response = await importFile(id, 'evidence-matrix.csv', csvBytes, '', otherStaff.token);

      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
      expect(await evidenceCount(id)).toBe(0);
    });
  });
});
