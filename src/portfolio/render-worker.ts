import type { EntityManager } from '@mikro-orm/core';

import type { Config } from '../config.ts';
import type { ContentStore } from '../evidence/storage/content-store.ts';
import { QUEUES, RENDER_RETRY_LIMIT, type JobQueue, type RenderJobData } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { ChromiumPool } from './chromium-pool.ts';
import { PortfolioRenderSchema } from './portfolio-render.entity.ts';
import { failRender, renderPortfolio } from './render-portfolio.ts';

export type RenderWorkerDeps = {
  em: EntityManager;
  standards: StandardRegistry;
  contentStore: ContentStore;
  jobs: JobQueue;
  config: Pick<Config, 'chromiumPath' | 'renderTimeoutSeconds'>;
  log: Logger;
};

/**
 * Works the render queue in this process, with one Chromium launched on the
 * first job and reused. A failed attempt is logged and thrown back to the job
 * queue, which retries it; the last attempt records the render as failed.
 */
export async function startRenderWorker(deps: RenderWorkerDeps): Promise<{ stop: () => Promise<void> }> {
  let pool: Promise<ChromiumPool> | null = null;
  const launch = (): Promise<ChromiumPool> => {
    if (pool === null) {
      // A failed launch is forgotten, so the next job tries again rather than reusing the failure.
      pool = ChromiumPool.launch({ executablePath: deps.config.chromiumPath ?? undefined, log: deps.log }).catch((error: unknown) => {
        pool = null;
        throw error;
      });
    }
    return pool;
  };

  await deps.jobs.work<RenderJobData>(QUEUES.portfolioRender, async (job) => {
    const { renderId } = job.data;
    try {
      await renderPortfolio({ em: deps.em, standards: deps.standards, contentStore: deps.contentStore, pool: launch, timeoutSeconds: deps.config.renderTimeoutSeconds, log: deps.log }, renderId);
    } catch (error) {
      const reason = (error as Error).message;
      if (job.retryCount >= RENDER_RETRY_LIMIT) {
        deps.log.error({ err: error, renderId, attempt: job.retryCount + 1 }, 'portfolio render failed for the last time');
        await failRender(deps.em, renderId, reason);
        return;
      }
      deps.log.warn({ err: error, renderId, attempt: job.retryCount + 1 }, 'portfolio render failed; it will be retried');
      await deps.em.fork().nativeUpdate(PortfolioRenderSchema, { id: renderId, status: { $ne: 'ready' } }, { status: 'queued', reason: `Retrying after: ${reason}`.slice(0, 2000) });
      throw error;
    }
  });

  return {
    stop: async () => {
      try {
        await deps.jobs.stopWork(QUEUES.portfolioRender);
      } finally {
        // Chromium is closed even if the queue would not let go, so no browser outlives its worker.
        const launched = pool;
        pool = null;
        if (launched !== null) await (await launched.catch(() => null))?.close();
      }
    },
  };
}
