/** A field of an evidence item that a matrix column can hold. */
export type MatrixField = 'elements' | 'title' | 'link' | 'reference' | 'owner' | 'date' | 'notes' | 'evidenceType';

/** One valid evidence row. `row` is the row number the spreadsheet shows, and `date` is ISO `YYYY-MM-DD`. */
export type MatrixItem = {
  row: number;
  elements: string[];
  title: string;
  link: string | null;
  reference: string | null;
  owner: string | null;
  date: string | null;
  notes: string | null;
  evidenceType: string | null;
};

/** One valid row of the optional Self-assessment sheet, with `rating` as a rating id. */
export type MatrixAssessment = { row: number; code: string; rating: string; statement: string };

/**
 * A rejected row. `column` is the header text of the cell at fault, or null when no single column is at fault.
 * Faults on the Self-assessment sheet carry that sheet's row number and a message that names the sheet.
 */
export type MatrixError = { row: number; column: string | null; message: string };

/** A header cell of the evidence sheet and the field it was read as. */
export type MatrixColumn = {
  /** Header text as written. */
  column: string;
  /** Null when the column is unknown or duplicates an earlier column for the same field, and so is ignored. */
  field: MatrixField | null;
};

export type ParsedMatrix = {
  /** Data rows read from the evidence sheet, blank rows excluded. */
  rows: number;
  items: MatrixItem[];
  assessments: MatrixAssessment[];
  errors: MatrixError[];
  columns: MatrixColumn[];
};

/** Lookups against the standard the matrix is imported into. */
export type MatrixCheck = {
  isKnownElement: (code: string) => boolean;
  isKnownRating: (id: string) => boolean;
  /** Rating label → rating id, so that a sheet may write `Compliance Plus` for `compliance_plus`. */
  ratingLabels?: Record<string, string>;
};

/**
 * The whole file is unreadable: not CSV or XLSX, no header row, a required column missing, or no worksheet.
 * Faults in single rows are reported in `ParsedMatrix.errors` instead.
 */
export class MatrixFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MatrixFileError';
  }
}
