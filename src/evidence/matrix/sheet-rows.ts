/**
 * One cell as the CSV and XLSX readers deliver it, before any field rules apply.
 * `text` is what the spreadsheet shows, or '' for an empty cell.
 */
export type SheetCell = {
  text: string;
  /** The value of an XLSX date cell, with the calendar date in its UTC fields. */
  date: Date | null;
  /** The target of an XLSX hyperlink. */
  hyperlink: string | null;
  /** The reason the cell has no usable value, such as a formula error, or null for a readable cell. */
  fault: string | null;
};

/** A row of a sheet. `row` is the number the spreadsheet shows, and `cells` are indexed from column 0. */
export type SheetRow = { row: number; cells: SheetCell[] };

export const EMPTY_CELL: SheetCell = Object.freeze({ text: '', date: null, hyperlink: null, fault: null });

export function textCell(text: string): SheetCell {
  return { text, date: null, hyperlink: null, fault: null };
}

export function cellAt(row: SheetRow, position: number | undefined): SheetCell {
  if (position === undefined) return EMPTY_CELL;
  return row.cells[position] ?? EMPTY_CELL;
}

/** True when no cell has a value, so the row is skipped (it still takes up a row number). */
export function isBlankRow(row: SheetRow): boolean {
  return row.cells.every((cell) => cell.text.trim() === '' && cell.date === null && cell.fault === null);
}
