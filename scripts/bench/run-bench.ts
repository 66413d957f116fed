import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import { createBenchDatabase, readPostgresVersion } from './bench-database.ts';
import type { BenchContext } from './bench-context.ts';
import { formatReport, formatTable } from './benchmark-table.ts';
import { measureDashboard } from './dashboard.ts';
import { measureEventWrites } from './event-writes.ts';
import { FIGURE_HEADINGS, type Figure } from './figure.ts';
import { readMachineFacts } from './machine-facts.ts';
import { memoryFigure } from './memory.ts';
import { measurePortfolio } from './portfolio.ts';
import { describeResident } from './process-stats.ts';
import { measureReads } from './reads.ts';
import { seedLibrary, seedPerson } from './seed-applications.ts';
import { seedQualityData } from './seed-dashboard-data.ts';
import { seedPortfolioApplication } from './seed-portfolio.ts';
import { startServiceChild } from './service-child.ts';

const REPORT_PATH = path.resolve(import.meta.dirname, '../../docs/benchmarks.md');
const LIBRARIES = 100;
const MENTORS = 20;

const HELP = `Usage: npm run bench [-- --soak]

Measures Waymark against a floor for each figure on this machine, prints the
table and writes it to docs/benchmarks.md. It needs PostgreSQL on
127.0.0.1:5432 (user postgres, trust) and Chromium, and takes a few minutes.

  --soak   also run the long figures: 200 portfolio renders in a row and the
           dashboard with 10,000 applications (about 15 minutes more)
  --help   show this text
`;

type Cleanup = { step: string; run: () => Promise<void> };

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--soak');
  if (unknown.length > 0) {
    process.stderr.write(`Unknown option ${unknown.join(' ')}. ${HELP}`);
    return 2;
  }
  const soak = args.includes('--soak');

  const started = performance.now();
  const progress = (message: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const cleanups: Cleanup[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup.run().catch((error: unknown) => process.stderr.write(`Cleaning up failed to ${cleanup.step}: ${(error as Error).message}\n`));
    }
  };
  // Ctrl+C or SIGTERM still stops the service and drops the database. Chromium, started over a pipe, exits with this process.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`Stopped by ${signal}; cleaning up.\n`);
      void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }

  try {
    const database = await createBenchDatabase();
    cleanups.push({ step: `drop the database ${database.name} (drop it by hand with \`dropdb -h 127.0.0.1 -U postgres ${database.name}\`)`, run: database.drop });
    progress(`Created the database ${database.name}; applying the migrations`);
    const runtime = await openRuntime(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), createLogger('silent'));
    cleanups.push({ step: 'close the in-process runtime', run: runtime.close });
    const pool = new pg.Pool({ connectionString: database.url, max: 8 });
    cleanups.push({ step: 'close the seeding connections', run: () => pool.end() });
    const logDir = await mkdtemp(path.join(tmpdir(), 'waymark-bench-'));
    const context: BenchContext = { databaseUrl: database.url, databaseName: database.name, pool, runtime, standard: runtime.standards.latest('cse')!, logDir, progress };

    progress(`Seeding ${LIBRARIES} libraries and ${MENTORS} mentors`);
    const em = runtime.db.em.fork();
    const libraryIds: string[] = [];
    for (let number = 1; number <= LIBRARIES; number += 1) libraryIds.push(await seedLibrary(em, `Bench library ${String(number).padStart(3, '0')}`));
    const staff = await seedPerson(em, 'Bench Library Staff', ['library_staff'], libraryIds[0]);
    const qualityGroup = await seedPerson(em, 'Bench Quality Group', ['quality_group'], null);
    const mentors = [];
    for (let number = 1; number <= MENTORS; number += 1) mentors.push(await seedPerson(em, `Bench Mentor ${number}`, ['mentor'], libraryIds[number]));
    const qualityData = { libraryIds, staffId: staff.id, mentorIds: mentors.map((mentor) => mentor.id), standard: context.standard };
    const [readApplicationId] = await seedQualityData(pool, qualityData, 1);

    const figures: Figure[] = [];
    progress(`Starting the service with RENDER_IN_SERVICE=false (log: ${path.join(logDir, 'service.log')})`);
    const service = await startServiceChild({ DATABASE_URL: database.url, RENDER_IN_SERVICE: 'false' }, path.join(logDir, 'service.log'));
    cleanups.push({ step: 'stop the service', run: service.stop });

    const writes = await measureEventWrites(context, service, staff, libraryIds[0]);
    figures.push(...writes.figures, memoryFigure(writes.idleBytes, writes.peakBytes, `${writes.heapAfterLoad} ${describeResident(service.pid)}`));
    figures.push(...(await measureReads(context, service, qualityGroup, readApplicationId)));
    await service.stop();

    progress('Portfolio: seeding a submitted application with 57 elements and 300 evidence items');
    const portfolioApplication = await seedPortfolioApplication(pool, { libraryId: libraryIds[0], staffId: staff.id, mentorId: mentors[0].id, standard: context.standard });
    figures.push(...(await measurePortfolio(context, portfolioApplication, soak)));
    figures.push(...(await measureDashboard(context, qualityData, soak)));

    const facts = { ...(await readMachineFacts()), postgresVersion: await readPostgresVersion(pool), date: new Date(), soak, durationSeconds: (performance.now() - started) / 1000 };
    const ordered = figures.toSorted((a, b) => FIGURE_HEADINGS.indexOf(a.heading) - FIGURE_HEADINGS.indexOf(b.heading));
    process.stdout.write(`\n${formatTable(ordered)}\n\n`);
    await mkdir(path.dirname(REPORT_PATH), { recursive: true });
    await writeFile(REPORT_PATH, formatReport(facts, ordered));
    progress(`Wrote ${path.relative(process.cwd(), REPORT_PATH)}; ${ordered.filter((figure) => !figure.met).length} of ${ordered.length} targets missed`);
    return 0;
  } finally {
    await cleanUp();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`The benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
