/** A day in the proleptic Gregorian calendar, with `month` from 1 to 12. */
export type CalendarDate = { year: number; month: number; day: number };

/** The outcome of reading a date as UK spreadsheets write it. */
export type DateReading =
  | { kind: 'date'; date: CalendarDate }
  | { kind: 'impossible' } // a recognised form that names no real day, such as 31/02/2026
  | { kind: 'unrecognised' };

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

// A time of day after the date is ignored, because spreadsheets append one when a cell contains a date and time.
const TIME_SUFFIX = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME_SUFFIX}$`);
// The separator is captured so that `05/11-2026` is not read as a date.
const NUMERIC_DAY_FIRST = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})${TIME_SUFFIX}$`);
const NAMED_MONTH = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?[ -]+([a-z]{3,9})\.?,?[ -]+(\d{4}|\d{2})${TIME_SUFFIX}$`, 'i');

/**
 * Reads a date written day first (`05/11/2026`, `5/11/26`, `05-11-2026`, `5 Nov 2026`, `5 November 2026`)
 * or as ISO 8601 (`2026-11-05`).
 */
export function readDayFirstDate(written: string): DateReading {
  const text = written.trim();

  const iso = ISO_DATE.exec(text);
  if (iso !== null) return checkedDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));

  const numeric = NUMERIC_DAY_FIRST.exec(text);
  if (numeric !== null) return checkedDate(fullYear(numeric[4]), Number(numeric[3]), Number(numeric[1]));

  const named = NAMED_MONTH.exec(text);
  if (named !== null) {
    const month = monthFromName(named[2]);
    if (month === null) return { kind: 'unrecognised' };
    return checkedDate(fullYear(named[3]), month, Number(named[1]));
  }

  return { kind: 'unrecognised' };
}

/** Reads the calendar date of an XLSX date cell, which exceljs delivers with the date in its UTC fields. */
export function calendarDateOf(value: Date): CalendarDate {
  return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
}

export function formatIsoDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${twoDigits(date.month)}-${twoDigits(date.day)}`;
}

/** Formats a date as `DD/MM/YYYY`, the way a UK spreadsheet shows it. */
export function formatDayFirst(date: CalendarDate): string {
  return `${twoDigits(date.day)}/${twoDigits(date.month)}/${String(date.year).padStart(4, '0')}`;
}

function checkedDate(year: number, month: number, day: number): DateReading {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { kind: 'impossible' };
  return { kind: 'date', date: { year, month, day } };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

// Excel's rule for two-digit years: 00–29 are 2000–2029 and 30–99 are 1930–1999.
function fullYear(written: string): number {
  const year = Number(written);
  if (written.length === 4) return year;
  return year < 30 ? 2000 + year : 1900 + year;
}

// Accepts the full name or any abbreviation of at least three letters, so `Sept` is September.
function monthFromName(written: string): number | null {
  const name = written.toLowerCase();
  const index = MONTH_NAMES.findIndex((month) => month.startsWith(name));
  return index === -1 ? null : index + 1;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
