import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';

import { MatrixFileError } from './matrix-types.ts';
import { textCell } from './sheet-rows.ts';
import type { SheetRow } from './sheet-rows.ts';

const UPLOAD_ADVICE = 'Save the evidence matrix as CSV or XLSX and upload that file.';

// Signatures of files that people upload by mistake, so that the error can name what was sent.
const BINARY_SIGNATURES: { bytes: number[]; message: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], message: 'The file is a ZIP archive, such as an XLSX workbook, not CSV text. Import it as XLSX.' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], message: `The file is in the Excel 97–2003 (.xls) format, which is not supported. ${UPLOAD_ADVICE}` },
  { bytes: [0x25, 0x50, 0x44, 0x46], message: `The file is a PDF, not a spreadsheet. ${UPLOAD_ADVICE}` },
];

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Reads a CSV file as spreadsheet programs write it. The text may be UTF-8 with or without a byte-order mark,
 * UTF-16 with one, or Windows-1252, separated by commas, semicolons or tabs, with CRLF or LF line ends.
 * Each record is one row, numbered from 1 for the first record, so a quoted field spanning several lines
 * still takes one row number.
 */
export function readCsvRows(bytes: Uint8Array): SheetRow[] {
  const text = decodeCsvText(bytes);
  const delimiter = detectDelimiter(text);

  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // Hand-edited files contain stray quotes such as `5" screen` inside unquoted fields.
      relax_quotes: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MatrixFileError(`The CSV file could not be read: ${reason}`, { cause: error });
  }

  return records.map((fields, index) => ({
    row: index + 1,
    // Some programs write a line break inside a cell as CRLF, which is stored as LF.
    cells: fields.map((field) => textCell(field.replace(/\r\n?/g, '\n'))),
  }));
}

/** Decodes CSV bytes, choosing Windows-1252 when they are not valid UTF-8. */
export function decodeCsvText(bytes: Uint8Array): string {
  for (const signature of BINARY_SIGNATURES) {
    if (signature.bytes.every((byte, index) => bytes[index] === byte)) throw new MatrixFileError(signature.message);
  }

  const text = decodeText(bytes);
  if (looksBinary(text)) throw new MatrixFileError(`The file is not CSV text because it contains binary data. ${UPLOAD_ADVICE}`);
  return text;
}

function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  // Excel's "Unicode text" export is UTF-16 little-endian with a byte-order mark.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf16be');

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel on Windows saves "CSV (Comma delimited)" in the ANSI code page, which is Windows-1252 in the UK.
    return iconv.decode(bytes, 'win1252');
  }
}

// Text files hold no NUL and few other control characters. Tab, line feed, vertical tab, form feed and
// carriage return are allowed because spreadsheets write them inside cells.
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  const controls = sample.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  return controls > sample.length / 100;
}

/**
 * Picks the separator that occurs most often, outside quotes, in the first line with content (the header).
 * Comma wins ties and is the default for a single-column file.
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let inQuotes = false;
  let lineHasContent = false;

  for (const character of text) {
    if (character === '"') {
      inQuotes = !inQuotes;
      lineHasContent = true;
    } else if (inQuotes) {
      continue;
    } else if (character === '\n' || character === '\r') {
      if (lineHasContent) break;
      // A line of only separators, such as `,,,` above the header, is not the header, so its counts are dropped.
      for (const delimiter of DELIMITERS) counts.set(delimiter, 0);
    } else if (counts.has(character)) {
      counts.set(character, (counts.get(character) ?? 0) + 1);
    } else if (character.trim() !== '') {
      lineHasContent = true;
    }
  }

  let best: string = ',';
  for (const delimiter of DELIMITERS) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(best) ?? 0)) best = delimiter;
  }
  return best;
}
