import pg from 'pg';

import type { Logger } from '../logger.ts';
import type { Database } from './orm.ts';

// An arbitrary constant that names Waymark's migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK_KEY = 7_304_220_614;

/**
 * Applies pending migrations. On a PostgreSQL server the work runs under a
 * session advisory lock, so that several instances starting at once apply each
 * migration once: the others wait, then find nothing pending. The embedded
 * database belongs to one process, so it needs no lock.
 */
export async function applyMigrations(db: Database, databaseUrl: string | null, logger: Logger): Promise<string[]> {
  if (db.embedded || databaseUrl === null) return runPending(db, logger);

  const lockClient = new pg.Client({ connectionString: databaseUrl });
  await lockClient.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await runPending(db, logger);
  } finally {
    // Ending the session releases the lock too, which covers a failed unlock.
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}

async function runPending(db: Database, logger: Logger): Promise<string[]> {
  const pending = await db.orm.migrator.getPending();
  if (pending.length === 0) {
    logger.info('database schema is up to date');
    return [];
  }

  logger.info({ migrations: pending.map((migration) => migration.name) }, 'applying migrations');
  const applied = await db.orm.migrator.up();
  logger.info({ count: applied.length }, 'migrations applied');
  return applied.map((migration) => migration.name);
}
