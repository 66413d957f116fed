import { exportXlsx, type ExportItem } from '../evidence/matrix/export-matrix.ts';
import { parseMatrix } from '../evidence/matrix/parse-matrix.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import type { DemoLibrary } from './consortium-members.ts';
import type { DemoFile } from './demo-client.ts';
import { readMatrixFile, readSelfAssessment } from './demo-data.ts';

/** How much of the standard a library has worked on, and how it rates itself. */
export type EvidencePlan = {
  /** Criteria (first digit of the code) with evidence and ratings; all five when absent. */
  criteria?: string[];
  /** Ratings other than Compliance, by element code. */
  ratings?: Record<string, string>;
};

/** Retitles Northgate's rows for another library, so that each member's matrix names its own places. */
function retitle(text: string, library: DemoLibrary): string {
  const short = library.name.split(' ')[0] === 'St' ? 'St Aldric\u2019s' : library.name.split(' ')[0];
  return text.replaceAll('Northgate', short).replaceAll('northgate', library.key).replaceAll('Hollis Building', 'main library').replaceAll('St Bede\u2019s', 'the teaching hospital');
}

/**
 * Builds a member library's evidence matrix as an XLSX workbook, the way the
 * export writes one: about a third of Northgate's rows, retitled, with every
 * element in the planned criteria named at least once, plus a self-assessment sheet.
 */
export async function libraryMatrix(library: DemoLibrary, standard: LoadedStandard, plan: EvidencePlan, seed: number): Promise<DemoFile> {
  const parsed = await parseMatrix(readMatrixFile().bytes, 'csv', {
    isKnownElement: (code) => standard.hasElement(code),
    isKnownRating: (id) => standard.hasRating(id),
    ratingLabels: {},
  });
  const inPlan = (code: string) => plan.criteria === undefined || plan.criteria.includes(code.split('.')[0]);

  const items: ExportItem[] = [];
  const named = new Set<string>();
  parsed.items.forEach((item, index) => {
    const codes = item.elements.filter(inPlan);
    if (codes.length === 0) return;
    const needed = codes.some((code) => !named.has(code));
    if (!needed && (index + seed) % 3 !== 0) return;
    codes.forEach((code) => named.add(code));
    const { row: _row, ...rest } = item;
    items.push({ ...rest, elements: codes, title: retitle(item.title, library), link: item.link === null ? null : retitle(item.link, library), notes: item.notes === null ? null : retitle(item.notes, library) });
  });

  const assessments = readSelfAssessment()
    .filter((row) => inPlan(row.code))
    .map((row) => ({ code: row.code, rating: plan.ratings?.[row.code] ?? 'compliance', statement: retitle(row.statement, library) }));

  return { name: `${library.key}-evidence-matrix.xlsx`, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: await exportXlsx(items, assessments) };
}
