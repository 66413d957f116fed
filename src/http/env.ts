import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/orm.ts';
import type { ContentStore } from '../evidence/storage/content-store.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { WebSession } from '../pages/web-session.entity.ts';
import type { Person } from '../people/person.entity.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';

/** The dependencies the app is built from; tests pass their own. */
export type AppDeps = {
  config: Config;
  db: Database;
  standards: StandardRegistry;
  logger: Logger;
  contentStore: ContentStore;
  jobs: JobQueue;
};

/** Hono's typed context: the variables each request carries once middleware has set them. */
export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    em: EntityManager;
    person: Person;
    application: Application;
    pageSession: WebSession;
  };
};
