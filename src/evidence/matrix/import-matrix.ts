import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../../errors.ts';
import type { LoadedStandard } from '../../standards/standard-registry.ts';
import { assertEditable, lockApplication } from '../edit-lock.ts';
import { insertEvidence, type NewEvidence } from '../evidence-writes.ts';
import { detectFileType } from '../files/detect-file-type.ts';
import { sanitiseFileName } from '../files/file-name.ts';
import { upsertSelfAssessments } from '../self-assessment-writes.ts';
import type { UploadedPart } from '../uploads/read-multipart.ts';
import { MatrixFileError, type MatrixColumn, type MatrixError, type ParsedMatrix } from './matrix-types.ts';
import { parseMatrix } from './parse-matrix.ts';

export type ImportReport = { rows: number; created: number; errors: MatrixError[]; columns: MatrixColumn[] };

/** Decides whether an uploaded matrix is CSV or XLSX by its bytes, so that a misnamed file is still read correctly. */
async function matrixFormat(part: UploadedPart): Promise<'csv' | 'xlsx'> {
  const name = sanitiseFileName(part.fileName);
  if (part.bytes.byteLength === 0) throw new AppError('empty_file', `The evidence matrix "${name}" is empty. Choose the file again.`);
  // Excel's "Unicode Text" export is UTF-16 with a byte-order mark. The file-type check, written for evidence files, accepts only
  // UTF-8 and Windows-1252 text and would reject it as binary. The CSV reader decodes UTF-16 and rejects binary content itself.
  if (startsWithUtf16Bom(part.bytes)) return 'csv';

  const detected = await detectFileType(part.bytes, name.toLowerCase().endsWith('.csv') ? name : `${name}.csv`);
  if (detected.accepted && detected.kind === 'xlsx') return 'xlsx';
  if (detected.accepted && (detected.kind === 'csv' || detected.kind === 'text')) return 'csv';
  const found = detected.accepted ? detected.mediaType : detected.detected;
  throw new AppError('unsupported_media_type', `The evidence matrix "${name}" is ${found}. Upload it as CSV or as an Excel workbook (XLSX).`, { detectedType: found });
}

function startsWithUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

function toEvidence(item: ParsedMatrix['items'][number]): NewEvidence {
  const shared = { title: item.title, reference: item.reference, owner: item.owner, evidenceDate: item.date, evidenceType: item.evidenceType, elements: item.elements.map((code) => ({ code })) };
  // A row with a link becomes a link item; any other row a note, whose body is the row's notes.
  return item.link !== null ? { ...shared, kind: 'link', url: item.link, body: item.notes } : { ...shared, kind: 'note', body: item.notes ?? '' };
}

/**
 * Imports an evidence matrix into an application: all rows or none. With
 * `dryRun` nothing is written and `created` counts the items that would be.
 * Any invalid row makes the whole import a 422 carrying the same report.
 */
export async function importMatrix(em: EntityManager, applicationId: string, authorId: string, standard: LoadedStandard, part: UploadedPart, dryRun: boolean): Promise<ImportReport> {
  const format = await matrixFormat(part);
  const ratingLabels = Object.fromEntries(standard.ratingScale.map((rating) => [rating.label, rating.id]));

  let parsed: ParsedMatrix;
  try {
    parsed = await parseMatrix(part.bytes, format, { isKnownElement: (code) => standard.hasElement(code), isKnownRating: (id) => standard.hasRating(id), ratingLabels });
  } catch (error) {
    if (error instanceof MatrixFileError) {
      throw AppError.invalid(`The evidence matrix cannot be read: ${error.message}`, { rows: 0, created: 0, errors: [{ row: 1, column: null, message: error.message }], columns: [] });
    }
    throw error;
  }

  const report: ImportReport = { rows: parsed.rows, created: parsed.items.length, errors: parsed.errors, columns: parsed.columns };
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0];
    const rows = new Set(parsed.errors.map((error) => error.row)).size;
    const problems = parsed.errors.length > rows ? ` (${parsed.errors.length} problems)` : '';
    throw AppError.invalid(
      `The evidence matrix has ${rows} invalid row${rows > 1 ? 's' : ''}${problems}, so nothing was imported. First: row ${first.row}${first.column === null ? '' : `, column "${first.column}"`}: ${first.message}`,
      { ...report, created: 0 },
    );
  }

  if (dryRun) {
    await em.transactional(async (tx) => assertEditable(await lockApplication(tx, applicationId)));
    return report;
  }

  await em.transactional(async (tx) => {
    assertEditable(await lockApplication(tx, applicationId));
    await insertEvidence(tx, applicationId, authorId, parsed.items.map(toEvidence));
    await upsertSelfAssessments(tx, applicationId, authorId, parsed.assessments.map((row) => ({ code: row.code, rating: row.rating, statement: row.statement })));
  });
  return report;
}
