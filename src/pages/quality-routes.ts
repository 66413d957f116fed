import { Hono, type Context } from 'hono';

import { CYCLES } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { DASHBOARD_SORTS, readDashboard, readFilterChoices, stateCounts, type DashboardQuery, type DashboardRow, type DashboardSort } from './dashboard-data.ts';
import { readHeatmap, readMentorWorkload, readUpcoming, type HeatmapMode } from './dashboard-panels.ts';
import { heatmapLegend, heatmapSvg } from './heatmap-svg.ts';
import { lifecycleSvg, readLifecycle } from './lifecycle-diagram.ts';
import { pageBase, requireSignIn } from './page-session.ts';
import { renderPage, stateInWords } from './page-templates.ts';
import { cycleWords } from './staff-words.ts';

const PAGE_SIZE = 25;
const HEATMAP_PAGE_SIZE = 40;
// NOTE: The CSV export reads every matching application in one query. This cap bounds its memory, and a larger consortium needs streaming.
const CSV_MAX_ROWS = 100_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS: { sort: DashboardSort; words: string }[] = [
  { sort: 'library', words: 'Library' },
  { sort: 'state', words: 'State' },
  { sort: 'daysInState', words: 'Days in state' },
  { sort: 'coverage', words: 'Coverage' },
  { sort: 'due', words: 'Review due' },
];

type Filters = { state: string; libraryId: string; standardId: string; cycle: string; sort: DashboardSort; order: 'asc' | 'desc'; page: number; heatmap: HeatmapMode; heatmapPage: number };

function wholeNumber(value: string | undefined, name: string): number {
  if (value === undefined || value === '') return 1;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw AppError.invalid(`The ${name} "${value}" is not a valid page number. Use a whole number from 1.`);
  return Number(value);
}

/** Reads and checks the dashboard's query string. An unknown value is rejected (422) with the accepted values. */
function readFilters(c: Context<AppEnv>): Filters {
  const query = (name: string) => c.req.query(name)?.trim() ?? '';
  const states = readLifecycle({}).states.filter((state) => !state.compound).map((state) => state.path);
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T | ''): T | '' => {
    const value = query(name);
    if (value === '') return fallback;
    if (!allowed.includes(value as T)) throw AppError.invalid(`The ${name} "${value}" is not recognised. Use one of: ${allowed.join(', ')}.`);
    return value as T;
  };
  const libraryId = query('library');
  if (libraryId !== '' && !UUID.test(libraryId)) throw AppError.invalid(`The library "${libraryId}" is not a valid library id. Choose a library from the list.`);
  return {
    state: oneOf('state', states, ''),
    libraryId,
    standardId: query('standard'),
    cycle: oneOf('cycle', CYCLES, ''),
    sort: oneOf('sort', DASHBOARD_SORTS, 'library') as DashboardSort,
    order: oneOf('order', ['asc', 'desc'] as const, 'asc') as 'asc' | 'desc',
    page: wholeNumber(c.req.query('page'), 'page'),
    heatmap: oneOf('heatmap', ['coverage', 'ratings'] as const, 'coverage') as HeatmapMode,
    heatmapPage: wholeNumber(c.req.query('heatmapPage'), 'heatmap page'),
  };
}

function toQuery(filters: Filters): DashboardQuery {
  return {
    state: filters.state || undefined,
    libraryId: filters.libraryId || undefined,
    standardId: filters.standardId || undefined,
    cycle: filters.cycle || undefined,
    sort: filters.sort,
    order: filters.order,
    limit: PAGE_SIZE,
    offset: (filters.page - 1) * PAGE_SIZE,
  };
}

/** Builds a dashboard link that keeps the current filters and changes `changes`. */
function linkWith(filters: Filters, changes: Partial<Filters>): string {
  const merged = { ...filters, ...changes };
  const params = new URLSearchParams();
  const keep = { state: merged.state, library: merged.libraryId, standard: merged.standardId, cycle: merged.cycle, sort: merged.sort, order: merged.order, page: String(merged.page), heatmap: merged.heatmap, heatmapPage: String(merged.heatmapPage) };
  for (const [name, value] of Object.entries(keep)) if (value !== '') params.set(name, value);
  return `/dashboard?${params.toString()}`;
}

/** Prefixes an apostrophe to a cell that a spreadsheet would run as a formula, then quotes it as RFC 4180 requires. */
export function csvCell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function ratingIds(deps: AppDeps): string[] {
  return [...new Set(deps.standards.list().flatMap((standard) => standard.ratingScale.map((rating) => rating.id)))];
}

/** Names a rating by its label in the first standard that has it, so that the CSV headers read as the standard writes them. */
function ratingLabel(deps: AppDeps, id: string): string {
  return deps.standards.list().flatMap((standard) => standard.ratingScale).find((rating) => rating.id === id)?.label ?? id;
}

/** Names a standard by its title, or by its id when it is no longer loaded. */
function standardTitle(deps: AppDeps, id: string): string {
  return deps.standards.latest(id)?.title ?? id;
}

function csvLines(deps: AppDeps, rows: DashboardRow[], ratings: string[]): string {
  const header = ['Library', 'Standard', 'Version', 'Cycle', 'State', 'Days in state', 'Elements', 'With evidence', 'Rated', ...ratings.map((id) => `Rated ${ratingLabel(deps, id)}`), 'Mentor', 'Review due', 'Overdue'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    const cells = [row.libraryName, row.standard, row.standardVersion, row.cycle, stateInWords(row.state), row.daysInState, row.elements, row.withEvidence, row.rated, ...ratings.map((id) => row.ratings[id] ?? 0), row.mentorName, row.dueAt?.toISOString() ?? null, row.overdue ? 'yes' : 'no'];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Returns the row's self-ratings as labelled counts in the order of its standard's rating scale. */
function ratingList(deps: AppDeps, row: DashboardRow): { label: string; count: number }[] {
  const scale = deps.standards.get(row.standard, row.standardVersion)?.ratingScale ?? [];
  return scale.filter((rating) => (row.ratings[rating.id] ?? 0) > 0).map((rating) => ({ label: rating.label, count: row.ratings[rating.id] }));
}

/** Builds the quality group's dashboard of every application and its CSV export. */
export function qualityPages(deps: AppDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  const signedIn = requireSignIn('quality_group');

  router.get('/dashboard', signedIn, async (c) => {
    const em = c.get('em');
    const now = new Date();
    const filters = readFilters(c);
    const { rows, total } = await readDashboard(em, deps.standards, toQuery(filters), now);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const heatmapStandard = filters.standardId || 'cse';
    const heatmap = await readHeatmap(em, deps.standards, { standardId: heatmapStandard, mode: filters.heatmap, limit: HEATMAP_PAGE_SIZE, offset: (filters.heatmapPage - 1) * HEATMAP_PAGE_SIZE });
    const heatmapPages = heatmap === null ? 1 : Math.max(1, Math.ceil(heatmap.totalLibraries / HEATMAP_PAGE_SIZE));
    const counts = await stateCounts(em);
    const choices = await readFilterChoices(em);

    const context = {
      ...pageBase(c, 'Dashboard'),
      filters,
      sortWords: COLUMNS.find((column) => column.sort === filters.sort)?.words.toLowerCase(),
      total,
      page: filters.page,
      pages,
      previousLink: filters.page > 1 ? linkWith(filters, { page: filters.page - 1 }) : null,
      nextLink: filters.page < pages ? linkWith(filters, { page: filters.page + 1 }) : null,
      csvLink: linkWith(filters, { page: 1 }).replace('/dashboard?', '/dashboard.csv?'),
      columns: COLUMNS.map((column) => {
        const current = column.sort === filters.sort;
        const order = current && filters.order === 'asc' ? 'desc' : 'asc';
        const currentOrder = filters.order === 'asc' ? 'ascending' : 'descending';
        return { ...column, link: linkWith(filters, { sort: column.sort, order, page: 1 }), ariaSort: current ? currentOrder : null };
      }),
      rows: rows.map((row) => ({ ...row, dueAt: row.dueAt?.toISOString() ?? null, ratingList: ratingList(deps, row), standardTitle: standardTitle(deps, row.standard), cycleWords: cycleWords(row.cycle) })),
      stateChoices: readLifecycle({}).states.filter((state) => !state.compound).map((state) => ({ value: state.path, words: stateInWords(state.path), selected: state.path === filters.state })),
      libraryChoices: choices.libraries.map((library) => ({ ...library, selected: library.id === filters.libraryId })),
      standardChoices: choices.standards.map((id) => ({ id, title: standardTitle(deps, id), selected: id === filters.standardId })),
      cycleChoices: CYCLES.map((cycle) => ({ value: cycle, words: cycleWords(cycle), selected: cycle === filters.cycle })),
      heatmap: heatmap === null ? null : { svg: heatmapSvg(heatmap), rows: heatmap.rows, criteria: heatmap.standard.criteria, title: heatmap.standard.title, mode: filters.heatmap, legend: heatmapLegend(), totalLibraries: heatmap.totalLibraries },
      heatmapStandard,
      coverageLink: linkWith(filters, { heatmap: 'coverage', heatmapPage: 1 }),
      ratingsLink: linkWith(filters, { heatmap: 'ratings', heatmapPage: 1 }),
      heatmapPrevious: filters.heatmapPage > 1 ? linkWith(filters, { heatmapPage: filters.heatmapPage - 1 }) : null,
      heatmapNext: filters.heatmapPage < heatmapPages ? linkWith(filters, { heatmapPage: filters.heatmapPage + 1 }) : null,
      heatmapPage: filters.heatmapPage,
      heatmapPages,
      workload: (await readMentorWorkload(em, deps.config.mentorDefaultCapacity)).map((mentor) => ({ ...mentor, full: mentor.load >= mentor.capacity })),
      upcoming: (await readUpcoming(em, now)).map((item) => ({ ...item, standard: standardTitle(deps, item.standard), detail: item.kind === 'accreditation' ? cycleWords(item.detail).toLowerCase() : item.detail })),
      lifecycleSvg: lifecycleSvg(counts),
      stateTable: readLifecycle(counts).states.filter((state) => !state.compound),
    };
    return c.html(renderPage('quality-dashboard', context));
  });

  router.get('/dashboard.csv', signedIn, async (c) => {
    const filters = readFilters(c);
    const query = { ...toQuery(filters), limit: CSV_MAX_ROWS, offset: 0 };
    const { rows } = await readDashboard(c.get('em'), deps.standards, query, new Date());
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csvLines(deps, rows, ratingIds(deps)), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="waymark-applications-${day}.csv"` });
  });

  return router;
}
