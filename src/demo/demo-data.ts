import fs from 'node:fs';
import path from 'node:path';

import { parse } from 'csv-parse/sync';

import type { DemoFile } from './demo-client.ts';

const DATA_DIR = path.join(import.meta.dirname, 'data');

/** The file name of Northgate's evidence matrix as its staff would upload it. */
export const MATRIX_FILE = 'northgate-evidence-matrix.csv';

/** Reads Northgate's evidence matrix: a CSV export of the spreadsheet its CSE working group keeps. */
export function readMatrixFile(): DemoFile {
  return { name: MATRIX_FILE, type: 'text/csv', bytes: fs.readFileSync(path.join(DATA_DIR, MATRIX_FILE)) };
}

/** One self-assessment row: the element, the rating as people write it, and the statement. */
export type DemoAssessment = { code: string; ratingLabel: string; statement: string };

/** Reads Northgate's self-ratings and statements for the 57 elements. */
export function readSelfAssessment(): DemoAssessment[] {
  const rows = parse(fs.readFileSync(path.join(DATA_DIR, 'northgate-self-assessment.csv')), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row) => ({ code: row.Element, ratingLabel: row.Rating, statement: row.Statement }));
}

/** A document Northgate uploads, with the elements it shows. */
export type DemoDocument = { file: string; type: string; title: string; elements: string[] };

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PNG = 'image/png';

export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  { file: 'customer-service-charter.pdf', type: PDF, title: 'Customer service charter', elements: ['3.1.1', '4.1.1', '4.2.1', '5.1.1', '5.2.1'] },
  { file: 'user-survey-2026-summary.pdf', type: PDF, title: 'Library user survey 2026: summary of results', elements: ['1.3.1', '1.3.2', '1.3.3', '1.3.4'] },
  { file: 'complaints-and-compliments-procedure.docx', type: DOCX, title: 'Complaints and compliments procedure', elements: ['4.3.2', '4.3.3', '4.3.4', '4.3.6'] },
  { file: 'you-said-we-did-autumn-2026.docx', type: DOCX, title: 'You said, we did: autumn 2026', elements: ['1.2.2', '3.2.4', '4.3.5'] },
  { file: 'customer-care-training-record-2025-26.xlsx', type: XLSX, title: 'Customer care training record 2025–26', elements: ['2.2.1', '2.1.5', '4.3.3'] },
  { file: 'service-standards-performance-2025-26.xlsx', type: XLSX, title: 'Service standards performance 2025–26', elements: ['4.1.2', '5.3.1', '5.3.2', '2.2.4'] },
  { file: 'enquiry-desk-standards-poster.png', type: PNG, title: 'Service desk standards poster', elements: ['3.1.2', '5.2.1'] },
  { file: 'hollis-ground-floor-access-plan.png', type: PNG, title: 'Hollis Building ground floor: step-free routes', elements: ['3.3.3'] },
];

/** Reads one of the documents shipped with the demo. */
export function readDocument(document: DemoDocument): DemoFile {
  return { name: document.file, type: document.type, bytes: fs.readFileSync(path.join(DATA_DIR, 'documents', document.file)) };
}
