import { readElementCodes } from './element-codes.ts';
import { unguardFormula } from './formula-guard.ts';
import { FIELD_LABELS } from './matrix-headers.ts';
import type { HeaderMap } from './matrix-headers.ts';
import { calendarDateOf, formatIsoDate, readDayFirstDate } from './matrix-dates.ts';
import type { MatrixCheck, MatrixError, MatrixField, MatrixItem } from './matrix-types.ts';
import { cellAt, isBlankRow } from './sheet-rows.ts';
import type { SheetCell, SheetRow } from './sheet-rows.ts';

const WEB_ADDRESS = /^https?:\/\/\S+$/i;

/** Reads the data rows below the header into items. A row with any error gives errors and no item. */
export function readEvidenceRows(
  rows: SheetRow[],
  header: HeaderMap,
  check: MatrixCheck,
): { rows: number; items: MatrixItem[]; errors: MatrixError[] } {
  const items: MatrixItem[] = [];
  const errors: MatrixError[] = [];
  let read = 0;

  for (const row of rows) {
    if (isBlankRow(row)) continue;
    read += 1;
    const result = readEvidenceRow(row, header, check);
    if (result.errors.length > 0) errors.push(...result.errors);
    else items.push(result.item);
  }

  return { rows: read, items, errors };
}

function readEvidenceRow(row: SheetRow, header: HeaderMap, check: MatrixCheck): { item: MatrixItem; errors: MatrixError[] } {
  const errors: MatrixError[] = [];
  const report = (field: MatrixField, message: string): void => {
    errors.push({ row: row.row, column: header.headers[field] ?? null, message });
  };

  const cells = {} as Record<MatrixField, SheetCell>;
  const texts = {} as Record<MatrixField, string>;
  for (const field of Object.keys(FIELD_LABELS) as MatrixField[]) {
    cells[field] = cellAt(row, header.positions[field]);
    texts[field] = unguardFormula(cells[field].text.trim());
    if (cells[field].fault !== null) report(field, cells[field].fault);
  }

  const elements = readElementCodes(cells.elements, texts.elements, check);
  for (const problem of elements.problems) report('elements', problem);
  if (elements.codes.length === 0 && elements.problems.length === 0 && cells.elements.fault === null) {
    report('elements', 'Missing element code. Each row needs at least one.');
  }

  if (texts.title === '' && cells.title.fault === null) report('title', 'Missing title. Each row needs one.');

  const { link, reference } = readLinkAndReference(cells, texts, header, report);
  const date = readDate(cells.date, texts.date, report);

  const item: MatrixItem = {
    row: row.row,
    elements: elements.codes,
    title: texts.title,
    link,
    reference,
    owner: orNull(texts.owner),
    date,
    notes: orNull(texts.notes),
    evidenceType: orNull(texts.evidenceType),
  };
  return { item, errors };
}

/**
 * Sorts the link column into a web address or a document reference. Without a reference column, anything in the
 * link column that is not an http(s) address is the reference. With one, such text is an error because it would
 * otherwise have to overwrite or be merged with the row's reference.
 */
function readLinkAndReference(
  cells: Record<MatrixField, SheetCell>,
  texts: Record<MatrixField, string>,
  header: HeaderMap,
  report: (field: MatrixField, message: string) => void,
): { link: string | null; reference: string | null } {
  const reference = orNull(texts.reference);
  const target = webAddressOf(cells.link) ?? webAddressOf(texts.link);
  if (target !== null) return { link: target, reference };

  // A matrix without a link column often links the title cell itself to the document.
  const titleTarget = texts.link === '' ? webAddressOf(cells.title) : null;
  if (titleTarget !== null) return { link: titleTarget, reference };

  if (texts.link === '') return { link: null, reference };
  if (header.positions.reference === undefined) return { link: null, reference: texts.link };

  report(
    'link',
    `Link ${texts.link} is not a web address starting http:// or https://. ` +
      `Put document references in the ${header.headers.reference} column.`,
  );
  return { link: null, reference };
}

function webAddressOf(source: SheetCell | string): string | null {
  const text = typeof source === 'string' ? source : (source.hyperlink?.trim() ?? '');
  return WEB_ADDRESS.test(text) && URL.canParse(text) ? text : null;
}

function readDate(cell: SheetCell, text: string, report: (field: MatrixField, message: string) => void): string | null {
  if (cell.date !== null) return formatIsoDate(calendarDateOf(cell.date));
  if (text === '') return null;

  const reading = readDayFirstDate(text);
  if (reading.kind === 'date') return formatIsoDate(reading.date);
  if (reading.kind === 'impossible') {
    report('date', `Date ${text} does not exist. Dates are read day first, as DD/MM/YYYY, so check the day and month.`);
  } else {
    report('date', `Date ${text} is not in a recognised form. Write it as DD/MM/YYYY, 5 Nov 2026 or YYYY-MM-DD.`);
  }
  return null;
}

function orNull(text: string): string | null {
  return text === '' ? null : text;
}
