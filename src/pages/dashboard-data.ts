import type { EntityManager } from '@mikro-orm/core';

import type { StandardRegistry } from '../standards/standard-registry.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DASHBOARD_SORTS = ['library', 'state', 'daysInState', 'coverage', 'due'] as const;
export type DashboardSort = (typeof DASHBOARD_SORTS)[number];

export type DashboardQuery = {
  state?: string;
  libraryId?: string;
  standardId?: string;
  cycle?: string;
  sort?: DashboardSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
};

/** One application as the dashboard lists it. `ratings` counts self-ratings by rating id, and `dueAt` is the open review round's due time. */
export type DashboardRow = {
  id: string;
  libraryName: string;
  standard: string;
  standardVersion: string;
  cycle: string;
  state: string;
  daysInState: number;
  elements: number;
  withEvidence: number;
  rated: number;
  ratings: Record<string, number>;
  mentorName: string | null;
  dueAt: Date | null;
  overdue: boolean;
};

type RawRow = {
  id: string;
  library_name: string;
  standard_id: string;
  standard_version: string;
  cycle: string;
  state: string;
  state_changed_at: Date | string;
  with_evidence: string | number;
  ratings: Record<string, string | number> | null;
  mentor_name: string | null;
  due_at: Date | string | null;
  total: string | number;
};

// Each expression sorts the `page` CTE, whose columns come from `filtered`, `open_round` and `size`.
const SORT_EXPRESSIONS: Record<DashboardSort, string> = {
  library: 'f.library_name',
  state: 'f.state',
  // More days in the state means an earlier change, so the direction is inverted.
  daysInState: 'f.state_changed_at',
  coverage: "coalesce(stored.with_evidence, 0)::float / nullif(size.elements, 0)",
  due: 'o.due_at',
};

/** Maps "standardId|version" to the number of elements of that version, for SQL to join against. */
export function elementCounts(standards: StandardRegistry): Record<string, number> {
  return Object.fromEntries(standards.list().map((standard) => [`${standard.id}|${standard.version}`, standard.elements.length]));
}

/** Builds the WHERE clause and parameters shared by the dashboard list and its CSV export. */
function filterClause(query: DashboardQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    conditions.push(sql);
    params.push(value);
  };
  add('a.state = ?', query.state);
  add('a.library_id = ?::uuid', query.libraryId);
  add('a.standard_id = ?', query.standardId);
  add('a.cycle = ?', query.cycle);
  return { sql: conditions.length === 0 ? '' : `where ${conditions.join(' and ')}`, params };
}

/**
 * Reads one page of the dashboard and the number of matching applications in a
 * single query (a second one counts only for a page past the end). Only the page's applications are aggregated for evidence and
 * ratings. Sorting by coverage reads the count each evidence write stores (application_coverage),
 * and the page shows coverage counted afresh: the distinct element codes mapped by live (undeleted) evidence.
 */
export async function readDashboard(em: EntityManager, standards: StandardRegistry, query: DashboardQuery, now: Date): Promise<{ rows: DashboardRow[]; total: number }> {
  const filter = filterClause(query);
  const sort = query.sort ?? 'library';
  const ascending = (query.order ?? 'asc') === 'asc';
  const direction = (sort === 'daysInState' ? !ascending : ascending) ? 'asc' : 'desc';

  const sql = `
    with filtered as (
      select a.id, a.library_id, l.name as library_name, a.standard_id, a.standard_version, a.cycle, a.state, a.state_changed_at, a.mentor_id
        from application a join library l on l.id = a.library_id
        ${filter.sql}
    ),
    size as (select key, value::int as elements from jsonb_each_text(?::jsonb)),
    open_round as (
      select distinct on (r.application_id) r.application_id, r.due_at
        from review_round r where r.decision is null
       order by r.application_id, r.number desc
    ),
    page as (
      select f.*, o.due_at,
             row_number() over (order by ${SORT_EXPRESSIONS[sort]} ${direction} nulls last, f.library_name, f.id) as position
        from filtered f
        left join open_round o on o.application_id = f.id
        left join size on size.key = f.standard_id || '|' || f.standard_version
        left join application_coverage stored on stored.application_id = f.id
       order by position
       limit ? offset ?
    ),
    covered as (
      select e.application_id, count(distinct ee.element_code) as n
        from evidence e join evidence_element ee on ee.evidence_id = e.id
       where e.deleted_at is null and e.application_id in (select id from page)
       group by e.application_id
    ),
    rated as (
      select application_id, jsonb_object_agg(rating, n) as ratings
        from (select application_id, rating, count(*) as n from self_assessment
               where application_id in (select id from page) group by application_id, rating) as by_rating
       group by application_id
    )
    select p.id, p.library_name, p.standard_id, p.standard_version, p.cycle, p.state, p.state_changed_at, p.due_at,
           coalesce(c.n, 0) as with_evidence, r.ratings, m.name as mentor_name,
           (select count(*) from filtered) as total
      from page p
      left join covered c on c.application_id = p.id
      left join rated r on r.application_id = p.id
      left join person m on m.id = p.mentor_id
     order by p.position`;

  const params = [...filter.params, JSON.stringify(elementCounts(standards)), query.limit, query.offset];
  const raw: RawRow[] = await em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
  const counts = elementCounts(standards);
  const rows = raw.map((row) => toDashboardRow(row, counts, now));

  // A page past the end returns no rows, so the total has to be counted on its own.
  if (raw.length === 0 && query.offset > 0) {
    const [counted]: { total: string }[] = await em.getConnection().execute(`select count(*) as total from application a ${filter.sql}`, filter.params, 'all', em.getTransactionContext());
    return { rows, total: Number(counted.total) };
  }
  return { rows, total: raw.length === 0 ? 0 : Number(raw[0].total) };
}

function toDashboardRow(row: RawRow, counts: Record<string, number>, now: Date): DashboardRow {
  const ratings = Object.fromEntries(Object.entries(row.ratings ?? {}).map(([rating, count]) => [rating, Number(count)]));
  const dueAt = row.due_at === null ? null : new Date(row.due_at);
  return {
    id: row.id,
    libraryName: row.library_name,
    standard: row.standard_id,
    standardVersion: row.standard_version,
    cycle: row.cycle,
    state: row.state,
    daysInState: Math.max(0, Math.floor((now.getTime() - new Date(row.state_changed_at).getTime()) / DAY_MS)),
    elements: counts[`${row.standard_id}|${row.standard_version}`] ?? 0,
    withEvidence: Number(row.with_evidence),
    rated: Object.values(ratings).reduce((sum, count) => sum + count, 0),
    ratings,
    mentorName: row.mentor_name,
    dueAt,
    overdue: dueAt !== null && dueAt.getTime() < now.getTime(),
  };
}

/** Counts applications per machine state (the stored dotted path, such as `peerReview.inReview`). */
export async function stateCounts(em: EntityManager): Promise<Record<string, number>> {
  const rows: { state: string; n: string }[] = await em.getConnection().execute('select state, count(*) as n from application group by state', [], 'all', em.getTransactionContext());
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}

/** Lists the libraries and standards for the filter form. */
export async function readFilterChoices(em: EntityManager): Promise<{ libraries: { id: string; name: string }[]; standards: string[] }> {
  const connection = em.getConnection();
  const libraries: { id: string; name: string }[] = await connection.execute('select id, name from library order by name, id', [], 'all', em.getTransactionContext());
  const standards: { standard_id: string }[] = await connection.execute('select distinct standard_id from application order by standard_id', [], 'all', em.getTransactionContext());
  return { libraries, standards: standards.map((row) => row.standard_id) };
}
