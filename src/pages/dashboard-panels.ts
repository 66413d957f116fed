import type { EntityManager } from '@mikro-orm/core';

import { ACTIVE_REVIEW_STATES } from '../review/mentor-load.ts';
import type { LoadedStandard, StandardRegistry } from '../standards/standard-registry.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export type HeatmapMode = 'coverage' | 'ratings';
export type HeatmapCell = { criterion: string; elements: number; count: number; percent: number };
export type HeatmapRow = { libraryName: string; cells: HeatmapCell[] };
export type Heatmap = { standard: LoadedStandard; mode: HeatmapMode; rows: HeatmapRow[]; totalLibraries: number };

/**
 * Ratings that count as meeting an element in the ratings heatmap: those that
 * neither block certification nor are capped by the certification rule. For CSE
 * 2026.1 these are Compliance Plus and Compliance.
 */
export function fullRatings(standard: LoadedStandard): string[] {
  const limited = new Set([...standard.certificationRule.blocking, ...Object.keys(standard.certificationRule.maxCount ?? {})]);
  return standard.ratingScale.map((rating) => rating.id).filter((id) => !limited.has(id));
}

/**
 * Reads, for each library's newest application of `standardId` that is not
 * withdrawn, the share of each criterion's elements with live evidence
 * (`coverage`) or with a full self-rating (`ratings`). A criterion is the element's
 * top-level ancestor in the standard tree. Libraries come in name order, one page at a time.
 */
export async function readHeatmap(
  em: EntityManager,
  standards: StandardRegistry,
  options: { standardId: string; mode: HeatmapMode; limit: number; offset: number },
): Promise<Heatmap | null> {
  const latest = standards.latest(options.standardId);
  if (latest === undefined) return null;
  const versions = standards.list().filter((standard) => standard.id === options.standardId);
  const elementMap = versions.flatMap((standard) => standard.elements.map((element) => ({ version: standard.version, code: element.code, criterion: element.ancestors[0] })));

  const sql = `
    with newest as (
      select distinct on (a.library_id) a.id, a.library_id, a.standard_version
        from application a
       where a.standard_id = ? and a.state <> 'withdrawn'
       order by a.library_id, a.created_at desc, a.id desc
    ),
    paged as (
      select n.*, l.name as library_name, count(*) over () as total
        from newest n join library l on l.id = n.library_id
       order by l.name, l.id
       limit ? offset ?
    ),
    element_map as (select * from jsonb_to_recordset(?::jsonb) as m(version text, code text, criterion text)),
    covered as (
      select distinct e.application_id, ee.element_code
        from evidence e join evidence_element ee on ee.evidence_id = e.id
       where e.deleted_at is null and e.application_id in (select id from paged)
    ),
    rated as (
      select sa.application_id, sa.element_code from self_assessment sa
       where sa.application_id in (select id from paged) and sa.rating in (select jsonb_array_elements_text(?::jsonb))
    )
    select p.library_name, p.library_id, p.total, m.criterion, count(*) as elements,
           count(${options.mode === 'coverage' ? 'c.element_code' : 'r.element_code'}) as hits
      from paged p
      join element_map m on m.version = p.standard_version
      left join covered c on c.application_id = p.id and c.element_code = m.code
      left join rated r on r.application_id = p.id and r.element_code = m.code
     group by p.library_name, p.library_id, p.total, m.criterion
     order by p.library_name, p.library_id`;

  const params = [options.standardId, options.limit, options.offset, JSON.stringify(elementMap), JSON.stringify(fullRatings(latest))];
  const raw: { library_name: string; library_id: string; total: string; criterion: string; elements: string; hits: string }[] = await em.getConnection().execute(sql, params, 'all', em.getTransactionContext());

  const byLibrary = new Map<string, HeatmapRow>();
  for (const row of raw) {
    let entry = byLibrary.get(row.library_id);
    if (entry === undefined) {
      entry = { libraryName: row.library_name, cells: latest.criteria.map((criterion) => ({ criterion: criterion.code, elements: 0, count: 0, percent: 0 })) };
      byLibrary.set(row.library_id, entry);
    }
    const cell = entry.cells.find((candidate) => candidate.criterion === row.criterion);
    if (cell === undefined) continue;
    cell.elements = Number(row.elements);
    cell.count = Number(row.hits);
    cell.percent = cell.elements === 0 ? 0 : Math.round((cell.count / cell.elements) * 100);
  }
  return { standard: latest, mode: options.mode, rows: [...byLibrary.values()], totalLibraries: raw.length === 0 ? 0 : Number(raw[0].total) };
}

export type MentorWorkload = { name: string; libraryName: string | null; load: number; capacity: number };

/** Lists every mentor with their active load (applications in an active review state naming them) and capacity, busiest first. */
export async function readMentorWorkload(em: EntityManager, defaultCapacity: number): Promise<MentorWorkload[]> {
  const sql = `
    select p.name, l.name as library_name, coalesce(mp.capacity, ?) as capacity,
           (select count(*) from application a where a.mentor_id = p.id and a.state in (${ACTIVE_REVIEW_STATES.map(() => '?').join(', ')})) as load
      from person p
      left join library l on l.id = p.library_id
      left join mentor_profile mp on mp.person_id = p.id
     where 'mentor' = any(p.roles)
     order by load desc, p.name, p.id`;
  const rows: { name: string; library_name: string | null; capacity: number; load: string }[] = await em.getConnection().execute(sql, [defaultCapacity, ...ACTIVE_REVIEW_STATES], 'all', em.getTransactionContext());
  return rows.map((row) => ({ name: row.name, libraryName: row.library_name, load: Number(row.load), capacity: Number(row.capacity) }));
}

export type UpcomingItem = { kind: 'accreditation' | 'review'; libraryName: string; standard: string; detail: string; dueOn: string; overdue: boolean };

/**
 * Lists what falls due within `days` of `now`, soonest first. An `accreditation`
 * item is the next review of an accredited cycle (an annual review or a
 * reassessment, its cycle in `detail`), which falls due on that application's
 * `due_on` and is listed until that application is accredited. A due date
 * already past is left out. A `review` item is the open round of a peer review,
 * its mentor's name in `detail`, and overdue rounds are listed too.
 */
export async function readUpcoming(em: EntityManager, now: Date, days = 90): Promise<UpcomingItem[]> {
  const today = now.toISOString().slice(0, 10);
  const horizon = new Date(now.getTime() + days * DAY_MS);
  const sql = `
    select 'accreditation' as kind, l.name as library_name, a.standard_id, a.cycle as detail, a.due_on as due_on, false as overdue
      from application a
      join application previous on previous.id = a.previous_application_id and previous.state = 'accredited'
      join library l on l.id = a.library_id
     where a.due_on is not null and a.due_on >= ? and a.due_on <= ? and a.state <> 'accredited'
    union all
    select 'review', l.name, a.standard_id, coalesce(m.name, ''), to_char(r.due_at at time zone 'UTC', 'YYYY-MM-DD'), r.due_at < ?
      from review_round r
      join application a on a.id = r.application_id
      join library l on l.id = a.library_id
      left join person m on m.id = r.mentor_id
     where r.decision is null and r.due_at <= ?
     order by due_on, library_name`;
  const params = [today, horizon.toISOString().slice(0, 10), now, horizon];
  const rows: { kind: 'accreditation' | 'review'; library_name: string; standard_id: string; detail: string; due_on: string; overdue: boolean }[] = await em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
  return rows.map((row) => ({ kind: row.kind, libraryName: row.library_name, standard: row.standard_id, detail: row.detail, dueOn: row.due_on, overdue: row.overdue }));
}
