import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';

import { guardFormula } from './formula-guard.ts';
import type { MatrixItem } from './matrix-types.ts';

/** One evidence item to export: a matrix row without its row number, with `date` as ISO `YYYY-MM-DD`. */
export type ExportItem = Omit<MatrixItem, 'row'>;

/** One self-assessment to export, with `rating` as a rating id. */
export type ExportAssessment = { code: string; rating: string; statement: string };

// The importer reads these names back through its header variants, so an export always imports again.
const EVIDENCE_HEADERS = ['Element(s)', 'Title', 'Link', 'Reference', 'Owner', 'Date', 'Notes', 'Evidence type'];
const ASSESSMENT_HEADERS = ['Element', 'Rating', 'Statement'];
const LINK_COLUMN = 3;
const WEB_ADDRESS = /^https?:\/\/\S+$/i;
// Characters that XML 1.0 forbids. exceljs 4.4 writes them unescaped, and Excel then reports the file as corrupt.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Cell texts of one item in the order of `EVIDENCE_HEADERS`, before the formula guard. */
function evidenceCells(item: ExportItem): string[] {
  return [
    item.elements.join('; '),
    item.title,
    item.link ?? '',
    item.reference ?? '',
    item.owner ?? '',
    item.date ?? '',
    item.notes ?? '',
    item.evidenceType ?? '',
  ];
}

/**
 * Writes items as CSV for spreadsheet programs: UTF-8 with a byte-order mark (without one, Excel reads the file
 * as Windows-1252), CRLF line ends and RFC 4180 quoting. Cells that a spreadsheet would run as a formula get a
 * leading apostrophe.
 */
export function exportCsv(items: ExportItem[]): string {
  const lines = [EVIDENCE_HEADERS, ...items.map(evidenceCells)].map((cells) =>
    cells.map((cell) => quoteCsvField(guardFormula(cell))).join(','),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// RFC 4180 quotes fields holding the separator, a quote or a line break. Semicolons are quoted too, so that a
// spreadsheet set to semicolon-separated CSV still keeps the element list in one cell.
function quoteCsvField(text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes items to an `Evidence` sheet and assessments to a `Self-assessment` sheet. Every cell is a string,
 * never a formula. Element and date columns are formatted as text, so that a spreadsheet does not turn a code
 * such as 1.2.3 or a date typed later into a number.
 */
export async function exportXlsx(items: ExportItem[], assessments: ExportAssessment[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Waymark';

  const evidence = addSheet(workbook, 'Evidence', EVIDENCE_HEADERS, [14, 40, 40, 24, 20, 12, 60, 18]);
  setTextColumns(evidence, [1, 6]);
  evidence.getColumn(7).alignment = { wrapText: true, vertical: 'top' };
  for (const item of items) {
    const row = evidence.addRow(evidenceCells(item).map(xlsxText));
    // A web address is written as a hyperlink so that it opens with a click, and the importer reads its target.
    if (item.link !== null && WEB_ADDRESS.test(item.link)) {
      row.getCell(LINK_COLUMN).value = { text: item.link, hyperlink: item.link };
    }
  }

  const selfAssessment = addSheet(workbook, 'Self-assessment', ASSESSMENT_HEADERS, [12, 20, 80]);
  setTextColumns(selfAssessment, [1]);
  selfAssessment.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  for (const assessment of assessments) {
    selfAssessment.addRow([assessment.code, assessment.rating, assessment.statement].map(xlsxText));
  }

  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/**
 * Guards a cell against formulas and removes characters that XML forbids. A vertical tab, which Word uses
 * for a manual line break, becomes a line feed, and the other forbidden characters are dropped.
 */
function xlsxText(text: string): string {
  return guardFormula(text).replaceAll('\u000b', '\n').replace(XML_FORBIDDEN, '');
}

function addSheet(workbook: ExcelJS.Workbook, name: string, headers: string[], widths: number[]): Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((header, index) => ({ header, width: widths[index] }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

function setTextColumns(sheet: Worksheet, columns: number[]): void {
  for (const column of columns) sheet.getColumn(column).numFmt = '@';
}
