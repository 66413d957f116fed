import path from 'node:path';

import { MikroORM as PgliteORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresORM, type Options } from '@mikro-orm/postgresql';
import type { EntityManager, MikroORM } from '@mikro-orm/core';

import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { MIGRATIONS } from '../../migrations/index.ts';
import { claimEmbeddedDataDir, type EmbeddedLock } from './embedded-lock.ts';
import { ENTITIES } from './entities.ts';

/** The ORM and what was opened with it; `close` ends both. */
export type Database = {
  orm: MikroORM;
  em: EntityManager;
  embedded: boolean;
  close: () => Promise<void>;
};

function sharedOptions(logger: Logger): Options {
  return {
    entities: ENTITIES,
    allowGlobalContext: false,
    debug: false,
    forceUtcTimezone: true,
    logger: (message: string) => logger.debug({ orm: message }),
    migrations: {
      migrationsList: MIGRATIONS,
      snapshot: false,
      snapshotOnMigrate: false,
      snapshotName: '.snapshot-waymark',
      path: path.resolve(import.meta.dirname, '../../migrations'),
      transactional: true,
      allOrNothing: true,
    },
  } as Options;
}

/**
 * Opens the database: the PostgreSQL server at `config.databaseUrl`, or, when it
 * is unset, the embedded PGlite cluster under `config.dataDir`, claimed for this
 * process alone.
 */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger: Logger): Promise<Database> {
  if (config.databaseUrl !== null) {
    const orm = await PostgresORM.init({ ...sharedOptions(logger), clientUrl: config.databaseUrl, pool: { min: 0, max: 10 } } as Options);
    return { orm, em: orm.em, embedded: false, close: () => orm.close(true) };
  }

  const lock: EmbeddedLock = claimEmbeddedDataDir(config.dataDir);
  try {
    const dbName = path.join(config.dataDir, 'pglite');
    logger.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL (PGlite) because DATABASE_URL is not set');
    const orm = await PgliteORM.init({ ...sharedOptions(logger), dbName } as never);
    const close = async () => {
      try {
        await orm.close(true);
      } finally {
        lock.release();
      }
    };
    return { orm, em: orm.em, embedded: true, close };
  } catch (error) {
    lock.release();
    throw error;
  }
}
