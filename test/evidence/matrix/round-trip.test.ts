import { describe, expect, it } from 'vitest';

import { exportCsv, exportXlsx } from '../../../src/evidence/matrix/export-matrix.ts';
import type { ExportItem } from '../../../src/evidence/matrix/export-matrix.ts';
import type { MatrixItem } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { CSE_ELEMENT_CODES, cseMatrixCheck, makeCseAssessments, makeCseMatrix } from '../../fixtures/matrix/make-cse-matrix.ts';

const check = cseMatrixCheck();
const items = makeCseMatrix();

function withoutRow(parsed: MatrixItem[]): ExportItem[] {
  return parsed.map(({ row: _row, ...item }) => item);
}

describe('CSE matrix fixture', () => {
  it('covers the hard cases', () => {
    const cells = items.flatMap((item) => [item.title, item.notes, item.owner, item.reference]);

    expect(CSE_ELEMENT_CODES).toHaveLength(57);
    expect(items).toHaveLength(300);
    expect(new Set(items.flatMap((item) => item.elements))).toEqual(new Set(CSE_ELEMENT_CODES));
    expect(items.some((item) => item.elements.length > 2)).toBe(true);
    expect(items.some((item) => item.link !== null && item.reference !== null)).toBe(true);
    expect(cells).toContain('=SUM(A1)');
    expect(cells).toContain('-5% change');
    expect(cells).toContain('@mention');
    expect(cells.some((cell) => cell?.includes('\n') && cell.includes(',') && cell.includes('"'))).toBe(true);
    expect(cells.some((cell) => cell?.includes('ŵ'))).toBe(true);
    expect(cells.some((cell) => cell !== null && /[\u0600-\u06ff]/.test(cell))).toBe(true);
  });
});

describe('matrix round trip', () => {
  it('reads back the CSV export', async () => {
    const bytes = new TextEncoder().encode(exportCsv(items));
    const parsed = await parseMatrix(bytes, 'csv', check);

    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toBe(items.length);
    expect(parsed.columns.every((column) => column.field !== null)).toBe(true);
    expect(parsed.items.map((item) => item.row)).toEqual(items.map((_, index) => index + 2));
    expect(withoutRow(parsed.items)).toEqual(items);
  });

  it('reads back the XLSX export', async () => {
    const assessments = makeCseAssessments();
    const parsed = await parseMatrix(await exportXlsx(items, assessments), 'xlsx', check);

    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toBe(items.length);
    expect(withoutRow(parsed.items)).toEqual(items);
    expect(parsed.assessments.map(({ row: _row, ...assessment }) => assessment)).toEqual(assessments);
    expect(parsed.assessments.map((assessment) => assessment.row)).toEqual(assessments.map((_, index) => index + 2));
  });
});
