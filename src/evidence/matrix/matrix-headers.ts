import type { MatrixColumn, MatrixField } from './matrix-types.ts';
import { isBlankRow } from './sheet-rows.ts';
import type { SheetRow } from './sheet-rows.ts';

/**
 * The header names accepted for each field, as people write them. Matching ignores case, surrounding spaces,
 * a `(s)` suffix and punctuation, so `ELEMENT CODE(S):` matches `Element code`.
 */
export const FIELD_HEADERS: Record<MatrixField, readonly string[]> = {
  elements: [
    'Element', 'Element(s)', 'Elements', 'Element code(s)', 'Element codes', 'Element no.', 'Element number',
    'Criterion No.', 'Criterion', 'Ref', 'Code', 'CSE element', 'CSE elements',
  ],
  title: ['Title', 'Evidence title', 'Evidence', 'Show me', 'Document', 'Document title', 'Description'],
  link: ['Link', 'URL', 'Web link', 'Location', 'Hyperlink'],
  reference: ['Reference', 'Document reference', 'Doc ref', 'Evidence reference', 'Evidence ref'],
  owner: ['Owner', 'Responsible', 'Lead', 'Contact'],
  date: ['Date', 'Date added', 'Evidence date', 'Updated', 'Last updated'],
  notes: ['Notes', 'Note', 'Comments', 'Comment', 'Tell me', 'Narrative'],
  evidenceType: ['Type', 'Evidence type', 'Kind', 'Category'],
};

/** The name of each field in messages. */
export const FIELD_LABELS: Record<MatrixField, string> = {
  elements: 'element code',
  title: 'title',
  link: 'link',
  reference: 'reference',
  owner: 'owner',
  date: 'date',
  notes: 'notes',
  evidenceType: 'evidence type',
};

const REQUIRED_FIELDS: readonly MatrixField[] = ['elements', 'title'];

// The header row is searched for among the first rows with content, because many matrices open with a
// title line such as "Evidence matrix 2026" above the real header.
const HEADER_SEARCH_ROWS = 10;

/** The header row of a sheet and where each field's column sits. */
export type HeaderMap = {
  row: number;
  columns: MatrixColumn[];
  /** Field → 0-based column position. */
  positions: Partial<Record<MatrixField, number>>;
  /** Field → header text as written, for naming the column in errors. */
  headers: Partial<Record<MatrixField, string>>;
};

/** A header-name lookup built from a table of accepted names such as `FIELD_HEADERS`. */
export type HeaderLookup<F extends string> = Map<string, F>;

export function buildHeaderLookup<F extends string>(table: Record<F, readonly string[]>): HeaderLookup<F> {
  const lookup: HeaderLookup<F> = new Map();
  for (const field of Object.keys(table) as F[]) {
    for (const name of table[field]) lookup.set(normaliseHeader(name), field);
  }
  return lookup;
}

const EVIDENCE_LOOKUP = buildHeaderLookup(FIELD_HEADERS);

/** Reduces a header to lower-case words: `Element code(s):` becomes `element code`. */
export function normaliseHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(s\)/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Maps header cells to fields. When several columns match one field the leftmost wins, and the later ones are
 * reported with a null field and ignored. Blank header cells are left out.
 */
export function mapHeaderCells<F extends string>(
  row: SheetRow,
  lookup: HeaderLookup<F>,
): { columns: { column: string; field: F | null }[]; positions: Partial<Record<F, number>>; headers: Partial<Record<F, string>> } {
  const columns: { column: string; field: F | null }[] = [];
  const positions: Partial<Record<F, number>> = {};
  const headers: Partial<Record<F, string>> = {};

  row.cells.forEach((cell, position) => {
    if (cell.text.trim() === '') return;
    const field = lookup.get(normaliseHeader(cell.text)) ?? null;
    if (field === null || positions[field] !== undefined) {
      columns.push({ column: cell.text, field: null });
      return;
    }
    positions[field] = position;
    headers[field] = cell.text;
    columns.push({ column: cell.text, field });
  });

  return { columns, positions, headers };
}

/**
 * Finds the evidence header: the first row, among the first few with content, that has both required columns.
 * Returns the header and the index of the row after it, or an error message that names the missing fields.
 */
export function locateEvidenceHeader(rows: SheetRow[]): { header: HeaderMap; dataStart: number } | { missing: string } {
  let firstHeader: { header: HeaderMap; dataStart: number } | null = null;
  let searched = 0;

  for (let index = 0; index < rows.length && searched < HEADER_SEARCH_ROWS; index += 1) {
    if (isBlankRow(rows[index])) continue;
    searched += 1;

    const mapped = mapHeaderCells(rows[index], EVIDENCE_LOOKUP);
    const candidate = { header: { row: rows[index].row, ...mapped }, dataStart: index + 1 };
    if (REQUIRED_FIELDS.every((field) => mapped.positions[field] !== undefined)) return candidate;
    firstHeader ??= candidate;
  }

  if (firstHeader === null) return { missing: 'The file has no header row: every row is blank.' };
  return { missing: missingColumnsMessage(firstHeader.header) };
}

function missingColumnsMessage(header: HeaderMap): string {
  const missing = REQUIRED_FIELDS.filter((field) => header.positions[field] === undefined);
  const parts = missing.map(
    (field) => `no ${FIELD_LABELS[field]} column (accepted headers: ${FIELD_HEADERS[field].join(', ')})`,
  );
  return (
    `The header row (row ${header.row}) is missing a required column: ${parts.join('; ')}. ` +
    'Case, spaces and punctuation in header names are ignored.'
  );
}
