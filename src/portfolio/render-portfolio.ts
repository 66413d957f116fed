import { createHash, randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import type { ContentStore } from '../evidence/storage/content-store.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { QUEUES } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { appendAppendices, type Appendix } from './append-appendices.ts';
import { buildPortfolioView } from './build-portfolio-view.ts';
import type { ChromiumPool } from './chromium-pool.ts';
import { PortfolioRenderSchema, type PortfolioRender, type RenderKind } from './portfolio-render.entity.ts';
import { printPortfolio } from './print-portfolio.ts';

export type RenderDeps = {
  em: EntityManager;
  standards: StandardRegistry;
  contentStore: ContentStore;
  pool: () => Promise<ChromiumPool>;
  timeoutSeconds: number;
  log: Logger;
};

/**
 * Creates a render row and its job inside the caller's transaction, so the job
 * exists exactly when the request (or the submission) commits.
 */
export async function queueRender(
  em: EntityManager,
  jobs: JobQueue,
  input: { applicationId: string; kind: RenderKind; submissionId: string | null; includeAppendices: boolean; requestedBy: string | null },
): Promise<PortfolioRender> {
  const render = em.create(PortfolioRenderSchema, {
    id: randomUUID(),
    application: input.applicationId,
    kind: input.kind,
    submission: input.submissionId,
    status: 'queued',
    includeAppendices: input.includeAppendices,
    requestedBy: input.requestedBy,
    createdAt: new Date(),
  });
  await em.flush();
  await jobs.sendInTransaction(em, QUEUES.portfolioRender, { renderId: render.id });
  return render;
}

async function setProgress(em: EntityManager, renderId: string, fields: Partial<Pick<PortfolioRender, 'status' | 'progress' | 'reason' | 'startedAt'>>): Promise<void> {
  await em.nativeUpdate(PortfolioRenderSchema, { id: renderId }, fields);
}

/** Reads the application's uploaded PDF evidence as appendices, in the portfolio's reference order. */
async function readAppendices(deps: RenderDeps, applicationId: string, refs: Map<string, string>): Promise<Appendix[]> {
  const items = await deps.em.find(EvidenceSchema, { application: applicationId, deletedAt: null, kind: 'file', mediaType: 'application/pdf' });
  const appendices: Appendix[] = [];
  for (const item of items) {
    const ref = refs.get(item.id);
    const bytes = item.sha256 == null ? null : await deps.contentStore.get(deps.em, item.sha256);
    if (ref !== undefined && bytes !== null) appendices.push({ ref, title: item.title, bytes });
  }
  return appendices.sort((left, right) => Number(left.ref.slice(1)) - Number(right.ref.slice(1)));
}

/**
 * Renders one portfolio. A render already `ready` is left alone, so a retried
 * job never replaces a stored submission. Progress is written as it goes; an
 * error propagates, so that the job queue retries, and `failRender` records
 * the reason once the retries are spent.
 */
export async function renderPortfolio(deps: RenderDeps, renderId: string): Promise<void> {
  const em = deps.em.fork();
  const render = await em.findOne(PortfolioRenderSchema, { id: renderId });
  if (render === null) {
    deps.log.warn({ renderId }, 'render job names no render; it was pruned');
    return;
  }
  if (render.status === 'ready') return;

  const started = Date.now();
  await em.nativeUpdate(PortfolioRenderSchema, { id: renderId }, { status: 'rendering', progress: 5, reason: null, startedAt: new Date(), attempts: (render.attempts as number) + 1 });
  deps.log.info({ renderId, applicationId: render.application, kind: render.kind }, 'portfolio render started');

  const view = await buildPortfolioView(em, deps.standards, { applicationId: render.application, submissionId: render.submission ?? null });
  await setProgress(em, renderId, { progress: 25 });

  const refs = new Map(view.evidence.map((item) => [item.id, item.ref]));
  const appendices = render.includeAppendices ? await readAppendices({ ...deps, em }, render.application, refs) : [];
  // With appendices, Chromium prints no page numbers and every page is stamped once the total is known.
  const printed = await printPortfolio(await deps.pool(), view, { timeoutMs: deps.timeoutSeconds * 1000, pageNumbers: appendices.length === 0 });
  let pdf = printed.pdf;
  let pages = printed.pages;
  await setProgress(em, renderId, { progress: 75 });

  if (appendices.length > 0) {
    const appended = await appendAppendices(pdf, appendices, { left: `${view.library.name} · ${view.standard.title}` }, { mainNumbered: false });
    pdf = appended.pdf;
    pages = appended.pages;
    for (const skipped of appended.skipped) deps.log.warn({ renderId, ref: skipped.ref, reason: skipped.reason }, 'appendix skipped');
  }
  await setProgress(em, renderId, { progress: 90 });

  const sha256 = createHash('sha256').update(pdf).digest('hex');
  await em.transactional(async (tx) => {
    await deps.contentStore.put(tx, sha256, pdf, 'application/pdf');
    // Only a render not yet ready takes the result, so a duplicate run cannot replace a stored PDF.
    await tx.nativeUpdate(PortfolioRenderSchema, { id: renderId, status: { $ne: 'ready' } }, { status: 'ready', progress: 100, sha256, size: pdf.byteLength, pages, finishedAt: new Date(), reason: null });
  });
  deps.log.info({ renderId, applicationId: render.application, pages, bytes: pdf.byteLength, ms: Date.now() - started }, 'portfolio render finished');
}

/** Records a render as failed with its reason, once its job has no retries left. */
export async function failRender(em: EntityManager, renderId: string, reason: string): Promise<void> {
  await em.fork().nativeUpdate(PortfolioRenderSchema, { id: renderId, status: { $ne: 'ready' } }, { status: 'failed', reason: reason.slice(0, 2000), finishedAt: new Date() });
}
