import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import Handlebars from 'handlebars';

import type { PortfolioElement, PortfolioEvidence, PortfolioGroup, PortfolioSummaryRow, PortfolioView } from './portfolio-view.ts';

const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/portfolio/', import.meta.url));
const PARTIALS = ['cover', 'contents', 'summary', 'criterion', 'element', 'evidence-index', 'matrix'] as const;

type Compiled = { layout: Handlebars.TemplateDelegate; header: Handlebars.TemplateDelegate; footer: Handlebars.TemplateDelegate };

let compiled: Compiled | null = null;

/**
 * Renders the whole portfolio as one HTML document for printing. `pageNumbers`
 * maps anchor ids (`group-1`, `element-1.1.1`, `appendix-matrix`, …) to the
 * page each starts on. Without it the contents leaves the numbers blank. They
 * sit in columns of fixed width, so filling them in moves nothing.
 */
export function renderPortfolioHtml(view: PortfolioView, pageNumbers?: Map<string, number>): string {
  return templates().layout(renderContext(view), { data: { pageNumbers: pageNumbers ?? new Map() } });
}

/** Renders the header that Chromium prints in the top margin of every page. */
export function renderPageHeaderHtml(view: PortfolioView): string {
  return templates().header(view);
}

/** Renders the footer with Chromium's `pageNumber` and `totalPages` placeholders. */
export function renderPageFooterHtml(view: PortfolioView, numbered = true): string {
  return templates().footer({ ...view, numbered });
}

/** Lists the anchor id of every section that the contents lists, in document order. */
export function contentsAnchors(view: PortfolioView): string[] {
  return listContents(view.criteria).map((entry) => entry.anchor);
}

function templates(): Compiled {
  if (compiled !== null) return compiled;

  // An isolated instance, so these helpers and partials never mix with other templates of the process.
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  // Strict mode turns a misspelt field into an error instead of an empty string in the PDF.
  const compile = (name: string) => handlebars.compile(readFileSync(`${TEMPLATE_DIR}${name}.hbs`, 'utf8'), { strict: true });
  for (const name of PARTIALS) handlebars.registerPartial(name, compile(name));
  compiled = { layout: compile('layout'), header: compile('page-header'), footer: compile('page-footer') };
  return compiled;
}

const CYCLE_LABELS: Record<string, string> = { initial: 'Initial assessment', annual_review: 'Annual review', reassessment: 'Reassessment' };
const STATE_LABELS: Record<string, string> = {
  draft: 'Draft',
  gatheringEvidence: 'Gathering evidence',
  'peerReview.awaitingMentor': 'Peer review, waiting for a mentor',
  'peerReview.inReview': 'In peer review',
  readyToSubmit: 'Ready to submit',
  submitted: 'Submitted',
  accredited: 'Accredited',
  notAccredited: 'Not accredited',
  withdrawn: 'Withdrawn',
};
const VERDICT_LABELS: Record<string, string> = { ok: 'Meets the element', needs_work: 'Needs work', not_reviewed: 'Not reviewed' };
const KIND_LABELS: Record<string, string> = { note: 'Note', link: 'Link', file: 'File' };
const LEVEL_LABELS: Record<string, string> = { criterion: 'Criterion', subCriterion: 'Sub-criterion', element: 'Element' };

const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const dateTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

function registerHelpers(handlebars: typeof Handlebars): void {
  // Handlebars passes its options object as the last argument, so helpers read only the arguments they declare.
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('or', (a: unknown, b: unknown) => Boolean(a) || Boolean(b));
  handlebars.registerHelper('inc', (value: number) => value + 1);
  handlebars.registerHelper('join', (values: string[]) => values.join(', '));
  handlebars.registerHelper('cycleLabel', (cycle: string) => CYCLE_LABELS[cycle] ?? cycle);
  handlebars.registerHelper('stateLabel', (state: string) => STATE_LABELS[state] ?? state);
  handlebars.registerHelper('verdictLabel', (verdict: string) => VERDICT_LABELS[verdict] ?? verdict);
  handlebars.registerHelper('kindLabel', (kind: string) => KIND_LABELS[kind] ?? kind);
  // A level the table does not name is shown as its id in sentence case: `dimension` as `Dimension`.
  handlebars.registerHelper('levelLabel', (level: string) => LEVEL_LABELS[level] ?? sentenceCase(level));
  // A date alone (YYYY-MM-DD) is read at UTC noon, which falls on the same London day.
  handlebars.registerHelper('formatDate', (iso: string) => longDate.format(new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)));
  handlebars.registerHelper('formatDateTime', (iso: string) => dateTime.format(new Date(iso)));
  handlebars.registerHelper('shortHash', (sha256: string | null) => (sha256 === null ? 'no file' : sha256.slice(0, 12)));
  handlebars.registerHelper('fileSize', formatFileSize);
  handlebars.registerHelper('pageOf', (anchor: string, options: Handlebars.HelperOptions) => (options.data.pageNumbers as Map<string, number>).get(anchor) ?? '');
  handlebars.registerHelper('evidenceItem', (ref: string, options: Handlebars.HelperOptions) => {
    const item = (options.data.root as RenderContext).evidenceByRef.get(ref);
    if (item === undefined) throw new Error(`Evidence reference ${ref} is not in the portfolio's evidence index.`);
    return item;
  });
}

function sentenceCase(identifier: string): string {
  const words = identifier.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

type ContentsEntry = { anchor: string; code: string | null; title: string; depth: number };
type MatrixTable = { code: string; title: string; codes: string[]; rows: { ref: string; title: string; marks: boolean[] }[] };
type Counts = { elements: number; withEvidence: number; rated: number; ratings: Record<string, number> };
type RenderContext = PortfolioView & { counts: Counts; contents: ContentsEntry[]; chart: Chart; matrices: MatrixTable[]; evidenceByRef: Map<string, PortfolioEvidence> };

function renderContext(view: PortfolioView): RenderContext {
  return {
    ...view,
    counts: countAll(view.summary),
    contents: listContents(view.criteria),
    chart: buildChart(view),
    matrices: view.criteria.map((criterion) => buildMatrix(criterion, view.evidence)),
    evidenceByRef: new Map(view.evidence.map((item) => [item.ref, item])),
  };
}

function countAll(rows: PortfolioSummaryRow[]): Counts {
  const counts: Counts = { elements: 0, withEvidence: 0, rated: 0, ratings: {} };
  for (const row of rows) {
    counts.elements += row.elements;
    counts.withEvidence += row.withEvidence;
    counts.rated += row.rated;
    for (const [id, count] of Object.entries(row.ratings)) counts.ratings[id] = (counts.ratings[id] ?? 0) + count;
  }
  return counts;
}

function listContents(criteria: PortfolioGroup[]): ContentsEntry[] {
  const entries: ContentsEntry[] = [{ anchor: 'summary', code: null, title: 'Summary by criterion', depth: 0 }];
  const visit = (group: PortfolioGroup, depth: number) => {
    entries.push({ anchor: `group-${group.code}`, code: group.code, title: group.title, depth });
    for (const child of group.groups) visit(child, depth + 1);
    for (const element of group.elements) entries.push({ anchor: `element-${element.code}`, code: element.code, title: element.title, depth: depth + 1 });
  };
  for (const criterion of criteria) visit(criterion, 0);
  entries.push({ anchor: 'appendix-matrix', code: null, title: 'Appendix A: Evidence matrix', depth: 0 });
  entries.push({ anchor: 'appendix-evidence', code: null, title: 'Appendix B: Evidence index', depth: 0 });
  // Deeper standards indent no further than elements of a three-level standard.
  return entries.map((entry) => ({ ...entry, depth: Math.min(entry.depth, 2) }));
}

function elementsOf(group: PortfolioGroup): PortfolioElement[] {
  return [...group.elements, ...group.groups.flatMap(elementsOf)];
}

function buildMatrix(criterion: PortfolioGroup, evidence: PortfolioEvidence[]): MatrixTable {
  const codes = elementsOf(criterion).map((element) => element.code);
  const rows = evidence
    .filter((item) => codes.some((code) => item.elementCodes.includes(code)))
    .map((item) => ({ ref: item.ref, title: item.title, marks: codes.map((code) => item.elementCodes.includes(code)) }));
  return { code: criterion.code, title: criterion.title, codes, rows };
}

// Colour-blind-safe colours (Okabe and Ito) for the ratings in scale order, best first, then grey for unrated.
const RATING_COLOURS = ['#009E73', '#56B4E9', '#E69F00', '#D55E00', '#CC79A7', '#F0E442'];
const UNRATED_COLOUR = '#BBBBBB';
const DARK_TEXT_ON = new Set(['#56B4E9', '#E69F00', '#F0E442', '#BBBBBB']);

type ChartSegment = { x: number; width: number; colour: string; textColour: string; label: string; count: number; showCount: boolean; textX: number };
type ChartRow = PortfolioSummaryRow & {
  labelY: number;
  ratingY: number;
  ratingHeight: number;
  ratingTextY: number;
  segments: ChartSegment[];
  barX: number;
  barWidth: number;
  coverageY: number;
  coverageHeight: number;
  coverageWidth: number;
  coverageTextX: number;
  coverageTextY: number;
};
type Chart = { width: number; height: number; rows: ChartRow[]; legend: { label: string; colour: string }[] };

/** Lays out the summary chart in SVG user units: per criterion, a stacked bar of self-ratings and a thinner bar of evidence coverage. */
function buildChart(view: PortfolioView): Chart {
  const width = 500;
  const barWidth = 380;
  const rowHeight = 46;
  const scale = view.standard.ratingScale;
  const colourOf = (index: number) => RATING_COLOURS[index % RATING_COLOURS.length];

  const rows = view.summary.map((row, index): ChartRow => {
    const top = index * rowHeight;
    const unit = row.elements === 0 ? 0 : barWidth / row.elements;
    const parts = [...scale.map((rating, ratingIndex) => ({ label: rating.label, count: row.ratings[rating.id] ?? 0, colour: colourOf(ratingIndex) })), { label: 'Not rated', count: row.elements - row.rated, colour: UNRATED_COLOUR }];
    let x = 0;
    const segments: ChartSegment[] = [];
    for (const part of parts.filter((candidate) => candidate.count > 0)) {
      const segmentWidth = part.count * unit;
      segments.push({ ...part, x, width: segmentWidth, textColour: DARK_TEXT_ON.has(part.colour) ? '#1a1a1a' : '#ffffff', showCount: segmentWidth >= 14, textX: x + segmentWidth / 2 });
      x += segmentWidth;
    }
    return {
      ...row,
      labelY: top + 10,
      ratingY: top + 14,
      ratingHeight: 14,
      ratingTextY: top + 24,
      segments,
      barX: 0,
      barWidth,
      coverageY: top + 31,
      coverageHeight: 7,
      coverageWidth: row.elements === 0 ? 0 : (row.withEvidence / row.elements) * barWidth,
      coverageTextX: barWidth + 6,
      coverageTextY: top + 38,
    };
  });
  const legend = [...scale.map((rating, index) => ({ label: rating.label, colour: colourOf(index) })), { label: 'Not rated', colour: UNRATED_COLOUR }, { label: 'With evidence', colour: '#0b4f8a' }];
  return { width, height: rows.length * rowHeight, rows, legend };
}
