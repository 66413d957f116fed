import { readAssessmentRows } from './assessment-rows.ts';
import { readEvidenceRows } from './evidence-rows.ts';
import { locateEvidenceHeader } from './matrix-headers.ts';
import { MatrixFileError } from './matrix-types.ts';
import type { MatrixAssessment, MatrixCheck, MatrixError, ParsedMatrix } from './matrix-types.ts';
import { readCsvRows } from './read-csv.ts';
import { readXlsxWorkbook } from './read-xlsx.ts';
import type { SheetRow } from './sheet-rows.ts';

export type { MatrixAssessment, MatrixCheck, MatrixColumn, MatrixError, MatrixField, MatrixItem, ParsedMatrix } from './matrix-types.ts';
export { MatrixFileError } from './matrix-types.ts';

/**
 * Parses an evidence matrix: one evidence item per row of a CSV file or of the first XLSX worksheet, and ratings
 * from an optional Self-assessment sheet in an XLSX file. Faults in single rows are returned in `errors`.
 *
 * @throws MatrixFileError when the file as a whole cannot be read.
 */
export async function parseMatrix(bytes: Uint8Array, format: 'csv' | 'xlsx', check: MatrixCheck): Promise<ParsedMatrix> {
  let evidenceRows: SheetRow[];
  let assessmentSheet: { name: string; rows: SheetRow[] } | null = null;

  if (format === 'csv') {
    evidenceRows = readCsvRows(bytes);
  } else if (format === 'xlsx') {
    const workbook = await readXlsxWorkbook(bytes);
    evidenceRows = workbook.evidence;
    assessmentSheet = workbook.assessment;
  } else {
    throw new MatrixFileError(`Unsupported matrix format ${String(format)}. Use csv or xlsx.`);
  }

  const located = locateEvidenceHeader(evidenceRows);
  if ('missing' in located) throw new MatrixFileError(located.missing);

  const evidence = readEvidenceRows(evidenceRows.slice(located.dataStart), located.header, check);

  let assessments: MatrixAssessment[] = [];
  let assessmentErrors: MatrixError[] = [];
  if (assessmentSheet !== null) {
    ({ assessments, errors: assessmentErrors } = readAssessmentRows(assessmentSheet.name, assessmentSheet.rows, check));
  }

  return {
    rows: evidence.rows,
    items: evidence.items,
    assessments,
    errors: [...evidence.errors, ...assessmentErrors],
    columns: located.header.columns,
  };
}
