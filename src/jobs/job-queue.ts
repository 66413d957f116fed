import type { EntityManager } from '@mikro-orm/core';
import { fromKysely, fromPglite, PgBoss, type Job } from 'pg-boss';

import type { Config } from '../config.ts';
import type { Database } from '../db/orm.ts';
import type { Logger } from '../logger.ts';

/** The queues Waymark uses, each with how long a job may run before it counts as lost and how often it is retried. */
export const QUEUES = {
  portfolioRender: 'portfolio-render',
} as const;

export type RenderJobData = { renderId: string };

/** How often a failed or lost render is tried again before it is recorded as failed. */
export const RENDER_RETRY_LIMIT = 3;

/**
 * pg-boss on the application's own PostgreSQL: the server through its URL, or
 * the embedded database through its one connection. Jobs are sent inside the
 * caller's transaction, so a job exists exactly when the change that asked
 * for it commits.
 */
export class JobQueue {
  readonly boss: PgBoss;
  private readonly log: Logger;

  private constructor(boss: PgBoss, log: Logger) {
    this.boss = boss;
    this.log = log;
  }

  static async start(db: Database, config: Pick<Config, 'databaseUrl' | 'renderExpireSeconds'>, log: Logger): Promise<JobQueue> {
    // pg-boss notices an expired (lost) job when it supervises, by default once a minute. Supervising at half
    // the render expiry retries a killed worker's render soon after it expires.
    const intervalSeconds = Math.max(1, Math.min(60, Math.ceil(config.renderExpireSeconds / 2)));
    const shared = { schedule: false, superviseIntervalSeconds: intervalSeconds, monitorIntervalSeconds: intervalSeconds };
    const boss =
      config.databaseUrl !== null
        ? new PgBoss({ connectionString: config.databaseUrl, max: 4, ...shared })
        : new PgBoss({ db: fromPglite(await (db.em.getConnection() as unknown as { getNativeClient: () => Promise<never> }).getNativeClient()), backend: 'pglite', ...shared });
    boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
    await boss.start();
    // A render that runs past its expiry counts as lost (a killed worker) and is retried. createQueue leaves an
    // existing queue as it was, so the options are applied again to honour a changed RENDER_EXPIRE_SECONDS.
    const renderQueue = { expireInSeconds: config.renderExpireSeconds, retryLimit: RENDER_RETRY_LIMIT, retryDelay: 2 };
    await boss.createQueue(QUEUES.portfolioRender, renderQueue);
    await boss.updateQueue(QUEUES.portfolioRender, renderQueue);
    log.info({ queues: Object.values(QUEUES) }, 'job queue started');
    return new JobQueue(boss, log);
  }

  /** Sends a job inside `em`'s open transaction; it is visible to workers only once that transaction commits. */
  async sendInTransaction(em: EntityManager, name: string, data: object): Promise<string | null> {
    const transaction = em.getTransactionContext();
    if (transaction === undefined) throw new Error(`sendInTransaction for queue ${name} was called outside a transaction`);
    return this.boss.send(name, data, { db: fromKysely(transaction as never) });
  }

  /** Processes jobs of `name` one at a time in this process; an error thrown by `handler` makes pg-boss retry the job. */
  async work<T extends object>(name: string, handler: (job: Job<T>) => Promise<void>): Promise<void> {
    await this.boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => handler(job));
    this.log.info({ queue: name }, 'worker started');
  }

  /** Stops taking jobs of `name` in this process, waiting for the one in hand to finish. */
  async stopWork(name: string): Promise<void> {
    await this.boss.offWork(name, { wait: true });
    this.log.info({ queue: name }, 'worker stopped');
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
    this.log.info('job queue stopped');
  }
}
