import { calendarDateOf, formatDayFirst, readDayFirstDate } from './matrix-dates.ts';
import type { CalendarDate } from './matrix-dates.ts';
import type { MatrixCheck } from './matrix-types.ts';
import type { SheetCell } from './sheet-rows.ts';

/** The codes read from one element cell, in the order written, and a message for each code rejected. */
export type ElementCodes = { codes: string[]; problems: string[] };

// Codes in one cell are separated by semicolons, commas, spaces or line breaks.
const CODE_SEPARATORS = /[;,\s]+/;
// Dates with `/` or `-`, or ISO dates. A dotted date such as 1.2.10 is left out because it reads as a code.
const DATE_LIKE = /^(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$/;

/**
 * Reads the element codes of one cell and checks each against the standard. `text` is the cell text with any
 * formula guard already removed. A date in the cell is reported as a code that a spreadsheet turned into a date.
 */
export function readElementCodes(cell: SheetCell, text: string, check: MatrixCheck): ElementCodes {
  if (cell.date !== null) {
    const date = calendarDateOf(cell.date);
    return { codes: [], problems: [mangledCodeMessage(formatDayFirst(date), date, check)] };
  }

  const codes: string[] = [];
  const problems: string[] = [];
  for (const token of text.split(CODE_SEPARATORS)) {
    if (token === '' || codes.includes(token)) continue;
    if (check.isKnownElement(token)) {
      codes.push(token);
      continue;
    }

    const reading = DATE_LIKE.test(token) ? readDayFirstDate(token) : null;
    problems.push(
      reading?.kind === 'date'
        ? mangledCodeMessage(token, reading.date, check)
        : `Element code ${token} is not an element of this standard.`,
    );
  }
  return { codes, problems };
}

// Spreadsheet programs in some locales store a typed code such as 1.2.3 as the date 1 February 2003, so the
// day, month and two-digit year are read back as the likely code.
function mangledCodeMessage(shown: string, date: CalendarDate, check: MatrixCheck): string {
  const likelyCode = `${date.day}.${date.month}.${date.year % 100}`;
  const culprit = check.isKnownElement(likelyCode) ? `element ${likelyCode}` : 'an element code';
  return (
    `Element code looks like a date (${shown}). A spreadsheet may have turned ${culprit} into a date, ` +
    'so format the column as text and type the code again.'
  );
}
