import pg from 'pg';

import { readDashboard, type DashboardSort } from '../../src/pages/dashboard-data.ts';
import type { BenchContext } from './bench-context.ts';
import type { Figure } from './figure.ts';
import { captureQueries } from './orm-queries.ts';
import { ELEMENTS_PER_EVIDENCE, EVIDENCE_PER_APPLICATION, seedQualityData, type QualityData } from './seed-dashboard-data.ts';
import { formatMs, formatNumber, median, timeRuns } from './stats.ts';

// The dashboard page lists 25 applications a page.
const PAGE_SIZE = 25;
const WARMUP_RUNS = 3;
const RUNS = 15;
// Sorting 10,000 applications by coverage takes seconds a run, so the soak takes fewer runs.
const SOAK_RUNS = 5;
const APPLICATIONS = 1000;
const SOAK_APPLICATIONS = 10_000;
const TARGET = 1.5;
const SOAK_TARGET = 2;
const SORTS: DashboardSort[] = ['library', 'coverage'];

type Timing = { dashboardMs: number; ormExecuteMs: number; pgMs: number };

/**
 * Measures the quality group's dashboard data (the first page, sorted by
 * library and by coverage) with 1,000 applications, against the same SQL sent
 * with `pg`. With `soak`, it also measures 10,000 against the time at 1,000.
 * Every application in the database is removed first, so the counts are exact.
 */
export async function measureDashboard(context: BenchContext, data: QualityData, soak: boolean): Promise<Figure[]> {
  await context.pool.query('truncate application cascade');
  context.progress(`Dashboard: seeding ${formatNumber(APPLICATIONS)} applications with SQL`);
  const seeded = performance.now();
  await seedQualityData(context.pool, data, APPLICATIONS);
  context.progress(`Dashboard: seeded in ${formatMs(performance.now() - seeded)}`);

  const small = new Map<DashboardSort, Timing>();
  const figures: Figure[] = [];
  for (const sort of SORTS) {
    const timing = await timeDashboard(context, sort);
    small.set(sort, timing);
    context.progress(`Dashboard: sorted by ${sort}, ${formatMs(timing.dashboardMs)} against ${formatMs(timing.pgMs)} through pg`);
    const ratio = timing.dashboardMs / timing.pgMs;
    figures.push({
      heading: 'Dashboard',
      name: `data for ${formatNumber(APPLICATIONS)} applications (${formatNumber(APPLICATIONS * 57)} self-ratings, ${formatNumber(APPLICATIONS * EVIDENCE_PER_APPLICATION * ELEMENTS_PER_EVIDENCE)} evidence mappings), first page sorted by ${sort} (median of ${RUNS})`,
      value: formatMs(timing.dashboardMs),
      floor: `${formatMs(timing.pgMs)} (the same SQL through pg)`,
      ratio,
      target: `≤ ${TARGET.toFixed(2)}`,
      met: ratio <= TARGET,
      note: `MikroORM's execute of the same SQL took ${formatMs(timing.ormExecuteMs)}; the rest is mapping the rows.`,
    });
  }
  if (!soak) return figures;

  context.progress(`Dashboard soak: seeding ${formatNumber(SOAK_APPLICATIONS - APPLICATIONS)} more applications with SQL`);
  await seedQualityData(context.pool, data, SOAK_APPLICATIONS - APPLICATIONS);
  for (const sort of SORTS) {
    const large = await timeDashboard(context, sort, SOAK_RUNS);
    const before = small.get(sort)!;
    context.progress(`Dashboard soak: sorted by ${sort}, ${formatMs(large.dashboardMs)} with ${formatNumber(SOAK_APPLICATIONS)} applications`);
    const ratio = large.dashboardMs / before.dashboardMs;
    const pgGrowth = large.pgMs / before.pgMs;
    figures.push({
      heading: 'Dashboard',
      name: `soak, data for ${formatNumber(SOAK_APPLICATIONS)} applications, first page sorted by ${sort}, against ${formatNumber(APPLICATIONS)}`,
      value: formatMs(large.dashboardMs),
      floor: `${formatMs(before.dashboardMs)} (${formatNumber(APPLICATIONS)} applications)`,
      ratio,
      target: `≤ ${SOAK_TARGET.toFixed(2)}`,
      met: ratio <= SOAK_TARGET,
      note: `The same SQL through pg took ${formatNumber(pgGrowth, 2)}× as long as at ${formatNumber(APPLICATIONS)} (${formatMs(large.pgMs)} against ${formatMs(before.pgMs)}).${
        ratio > SOAK_TARGET ? ` To pick the first page, the query reads every matching application (${formatNumber(SOAK_APPLICATIONS)}) with its stored coverage count, its library and its open review round, and sorts them all, so its time grows with the number of applications.` : ''
      }`,
    });
  }
  return figures;
}

/**
 * Times readDashboard, the SQL it sends executed through MikroORM, and the
 * same SQL through `pg`, and returns the median of each. The three take turns
 * in each of `runs` rounds after a warm-up, so other load on the machine falls
 * on all three alike.
 */
async function timeDashboard(context: BenchContext, sort: DashboardSort, runs = RUNS): Promise<Timing> {
  const { runtime } = context;
  const read = () => readDashboard(runtime.db.em.fork(), runtime.standards, { sort, order: 'asc', limit: PAGE_SIZE, offset: 0 }, new Date());
  const queries = await captureQueries(context, read);
  const connection = runtime.db.em.getConnection();
  const ormExecute = async () => {
    for (const query of queries) await connection.execute(query.sql, query.params);
  };

  const client = new pg.Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    // The floor sends the very text MikroORM sends, parameters written in, so both get the same plan.
    const viaPg = async () => {
      for (const query of queries) await client.query(query.formatted);
    };
    const tasks = [read, ormExecute, viaPg];
    for (const task of tasks) await timeRuns(WARMUP_RUNS, task);
    const durations: number[][] = [[], [], []];
    for (let round = 0; round < runs; round += 1) {
      for (const [index, task] of tasks.entries()) durations[index].push(...(await timeRuns(1, task)));
    }
    return { dashboardMs: median(durations[0]), ormExecuteMs: median(durations[1]), pgMs: median(durations[2]) };
  } finally {
    await client.end();
  }
}
