import ExcelJS from 'exceljs';
import type { Cell, CellValue, Row, Worksheet } from 'exceljs';

import { calendarDateOf, formatDayFirst } from './matrix-dates.ts';
import { MatrixFileError } from './matrix-types.ts';
import { EMPTY_CELL, textCell } from './sheet-rows.ts';
import type { SheetCell, SheetRow } from './sheet-rows.ts';
import { checkXlsxLimits } from './xlsx-guard.ts';

/** The sheets of a matrix workbook, where the first worksheet contains the evidence. */
export type MatrixWorkbook = {
  evidence: SheetRow[];
  /** A later sheet named Self-assessment (in any case), or null when there is none. */
  assessment: { name: string; rows: SheetRow[] } | null;
};

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const XLS_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];
const ASSESSMENT_SHEET = 'self-assessment';

export async function readXlsxWorkbook(bytes: Uint8Array): Promise<MatrixWorkbook> {
  if (XLS_SIGNATURE.every((byte, index) => bytes[index] === byte)) {
    throw new MatrixFileError('The file is in the Excel 97–2003 (.xls) format, which is not supported. Save it as XLSX or CSV.');
  }
  // Every XLSX file is a ZIP archive, so anything else is rejected before exceljs reports a less helpful error.
  if (!ZIP_SIGNATURE.every((byte, index) => bytes[index] === byte)) {
    throw new MatrixFileError('The file is not an XLSX workbook. Save the evidence matrix as XLSX or CSV and upload that file.');
  }

  // exceljs inflates every entry of the archive in memory with no size limit, so the inflated size is checked first.
  await checkXlsxLimits(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs hands the data to JSZip, which accepts an ArrayBuffer. The copy also detaches it from `bytes`.
    await workbook.xlsx.load(bytes.slice().buffer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MatrixFileError(`The XLSX workbook could not be read: ${reason}`, { cause: error });
  }

  const [first, ...rest] = workbook.worksheets;
  if (first === undefined) throw new MatrixFileError('The XLSX workbook has no worksheet.');

  const assessmentSheet = rest.find((sheet) => sheet.name.trim().toLowerCase() === ASSESSMENT_SHEET);
  return {
    evidence: readSheetRows(first),
    assessment: assessmentSheet === undefined ? null : { name: assessmentSheet.name, rows: readSheetRows(assessmentSheet) },
  };
}

function readSheetRows(sheet: Worksheet): SheetRow[] {
  const rows: SheetRow[] = [];
  // Rows without values are skipped here, but numbering stays right because exceljs reports each row's own number.
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    rows.push({ row: rowNumber, cells: readRowCells(row) });
  });
  return rows;
}

function readRowCells(row: Row): SheetCell[] {
  const cells: SheetCell[] = [];
  for (let column = 1; column <= row.cellCount; column += 1) {
    cells.push(readCell(row.getCell(column)));
  }
  return cells;
}

function readCell(cell: Cell): SheetCell {
  // exceljs gives every cell of a merged range the value of its top-left cell. A vertical merge, such as one
  // element code spanning several evidence rows, belongs to each row, but a horizontal one shows a single value
  // and belongs only to its first column.
  if (cell.isMerged && cell.master !== cell && cell.master.fullAddress.col !== cell.fullAddress.col) return EMPTY_CELL;
  return readValue(cell.value);
}

function readValue(value: CellValue): SheetCell {
  if (value === null || value === undefined) return EMPTY_CELL;
  if (typeof value === 'string') return textCell(value);
  if (typeof value === 'number') return textCell(String(value));
  if (typeof value === 'boolean') return textCell(value ? 'TRUE' : 'FALSE');

  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return fault('The cell holds a date that could not be read. Type the date again.');
    return { text: formatDayFirst(calendarDateOf(value)), date: value, hyperlink: null, fault: null };
  }

  if ('richText' in value) return textCell(flattenText(value));
  if ('hyperlink' in value) return { text: flattenText(value.text), date: null, hyperlink: value.hyperlink, fault: null };
  if ('error' in value) return fault(`The cell shows the formula error ${value.error}. Correct the formula or type the value.`);

  if ('formula' in value || 'sharedFormula' in value) {
    // A formula is read by its cached result, the value the spreadsheet last showed.
    if (value.result === undefined || value.result === null) {
      return fault('The cell holds a formula with no saved result. Open the file in a spreadsheet program and save it again.');
    }
    return readValue(value.result);
  }

  return textCell(String(value));
}

// Hyperlink text may itself be rich text when the workbook was saved by Excel.
function flattenText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (typeof text === 'object' && text !== null && 'richText' in text && Array.isArray(text.richText)) {
    return text.richText.map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : '')).join('');
  }
  return text === null || text === undefined ? '' : String(text);
}

function fault(message: string): SheetCell {
  return { text: '', date: null, hyperlink: null, fault: message };
}
