import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { applyMigrations } from './db/migrate.ts';
import { openDatabase, type Database } from './db/orm.ts';
import { PostgresContentStore } from './evidence/storage/postgres-content-store.ts';
import type { AppDeps } from './http/env.ts';
import { JobQueue } from './jobs/job-queue.ts';
import type { Logger } from './logger.ts';
import { StandardRegistry } from './standards/standard-registry.ts';

export type Runtime = AppDeps & { app: ReturnType<typeof createApp>; close: () => Promise<void> };

/**
 * Loads the standards, opens the database and applies pending migrations, then
 * builds the app. Standards load first, so a faulty standard file stops the
 * start before the database is touched.
 */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const standards = await StandardRegistry.load({ extraDir: config.standardsDir });
  logger.info({ standards: standards.list().map((standard) => `${standard.id} ${standard.version}`) }, 'standards loaded');

  const db: Database = await openDatabase(config, logger);
  try {
    await applyMigrations(db, config.databaseUrl, logger);
  } catch (error) {
    await db.close();
    throw error;
  }

  let jobs: JobQueue;
  try {
    jobs = await JobQueue.start(db, config, logger);
  } catch (error) {
    await db.close();
    throw error;
  }

  const deps: AppDeps = { config, db, standards, logger, contentStore: new PostgresContentStore(), jobs };
  const close = async () => {
    try {
      await jobs.stop();
    } finally {
      await db.close();
    }
  };
  return { ...deps, app: createApp(deps), close };
}
