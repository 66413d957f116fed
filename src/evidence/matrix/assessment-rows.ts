import { readElementCodes } from './element-codes.ts';
import { unguardFormula } from './formula-guard.ts';
import { buildHeaderLookup, mapHeaderCells } from './matrix-headers.ts';
import type { MatrixAssessment, MatrixCheck, MatrixError } from './matrix-types.ts';
import { cellAt, isBlankRow } from './sheet-rows.ts';
import type { SheetRow } from './sheet-rows.ts';

type AssessmentField = 'code' | 'rating' | 'statement';

const ASSESSMENT_HEADERS: Record<AssessmentField, readonly string[]> = {
  code: ['Element', 'Element code', 'Code', 'Criterion', 'Ref'],
  rating: ['Rating', 'Self-assessment rating', 'Compliance'],
  statement: ['Statement', 'Narrative', 'Comments', 'Notes'],
};

const ASSESSMENT_LOOKUP = buildHeaderLookup(ASSESSMENT_HEADERS);

/**
 * Reads the Self-assessment sheet: one rating and statement per element. The header is the first row with
 * content. Every message names the sheet, because its row numbers are those of this sheet, not the evidence.
 */
export function readAssessmentRows(
  sheetName: string,
  rows: SheetRow[],
  check: MatrixCheck,
): { assessments: MatrixAssessment[]; errors: MatrixError[] } {
  const assessments: MatrixAssessment[] = [];
  const errors: MatrixError[] = [];

  const headerIndex = rows.findIndex((row) => !isBlankRow(row));
  if (headerIndex === -1) return { assessments, errors };

  const header = mapHeaderCells(rows[headerIndex], ASSESSMENT_LOOKUP);
  const missing = (['code', 'rating'] as const).filter((field) => header.positions[field] === undefined);
  if (missing.length > 0) {
    const names = missing.map((field) => `${ASSESSMENT_HEADERS[field][0]} (or ${ASSESSMENT_HEADERS[field].slice(1).join(', ')})`);
    errors.push({
      row: rows[headerIndex].row,
      column: null,
      message: `${sheetName} sheet: the header row has no ${names.join(' and no ')} column, so the sheet was not read.`,
    });
    return { assessments, errors };
  }

  const ratedOnRow = new Map<string, number>();
  const labelToId = normalisedLabels(check.ratingLabels ?? {});

  for (const row of rows.slice(headerIndex + 1)) {
    if (isBlankRow(row)) continue;
    const rowErrors: MatrixError[] = [];
    const report = (field: AssessmentField, message: string): void => {
      rowErrors.push({ row: row.row, column: header.headers[field] ?? null, message: `${sheetName} sheet: ${message}` });
    };

    const codeCell = cellAt(row, header.positions.code);
    const ratingCell = cellAt(row, header.positions.rating);
    const statementCell = cellAt(row, header.positions.statement);
    for (const [field, cell] of [['code', codeCell], ['rating', ratingCell], ['statement', statementCell]] as const) {
      if (cell.fault !== null) report(field, cell.fault);
    }

    const codes = readElementCodes(codeCell, unguardFormula(codeCell.text.trim()), check);
    for (const problem of codes.problems) report('code', problem);
    if (codes.codes.length === 0 && codes.problems.length === 0 && codeCell.fault === null) {
      report('code', 'Missing element code.');
    } else if (codes.codes.length > 1) {
      report('code', `A row rates one element, but this row names ${codes.codes.join(', ')}.`);
    }

    const code = codes.codes[0];
    if (code !== undefined && codes.codes.length === 1) {
      const earlierRow = ratedOnRow.get(code);
      if (earlierRow !== undefined) report('code', `Element ${code} is already rated on row ${earlierRow}. Keep one row per element.`);
      else ratedOnRow.set(code, row.row);
    }

    const writtenRating = unguardFormula(ratingCell.text.trim());
    const rating = readRating(writtenRating, labelToId, check);
    if (rating === null && ratingCell.fault === null) {
      const labels = Object.keys(check.ratingLabels ?? {});
      const known = labels.length > 0 ? ` Use one of: ${labels.join(', ')}.` : '';
      report('rating', writtenRating === '' ? `Missing rating.${known}` : `Rating ${writtenRating} is not a rating of this standard.${known}`);
    }

    if (rowErrors.length > 0 || code === undefined || rating === null) {
      errors.push(...rowErrors);
      continue;
    }
    assessments.push({ row: row.row, code, rating, statement: unguardFormula(statementCell.text.trim()) });
  }

  return { assessments, errors };
}

// Labels are matched ignoring case and spacing, so `compliance  plus` is Compliance Plus.
function normalisedLabels(labels: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(labels).map(([label, id]) => [normaliseLabel(label), id]));
}

function normaliseLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, ' ').trim();
}

function readRating(written: string, labelToId: Map<string, string>, check: MatrixCheck): string | null {
  if (written === '') return null;
  if (check.isKnownRating(written)) return written;
  const id = labelToId.get(normaliseLabel(written));
  return id !== undefined && check.isKnownRating(id) ? id : null;
}
