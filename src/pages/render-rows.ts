import type { EntityManager } from '@mikro-orm/core';

import { PortfolioRenderSchema } from '../portfolio/portfolio-render.entity.ts';
import { renderStatusWords } from './staff-words.ts';

/** Lists an application's portfolio renders, newest first, as the pages show them. */
export async function readRenderRows(em: EntityManager, applicationId: string, limit: number) {
  const renders = await em.find(PortfolioRenderSchema, { application: applicationId }, { orderBy: { createdAt: 'desc', id: 'asc' }, limit });
  return renders.map((render) => ({
    id: render.id,
    kind: render.kind === 'submitted' ? 'Submitted portfolio' : 'Draft',
    status: renderStatusWords(render.status),
    progress: render.progress as number,
    inProgress: render.status === 'queued' || render.status === 'rendering',
    ready: render.status === 'ready' && render.sha256 != null,
    reason: render.status === 'failed' ? (render.reason ?? null) : null,
    pages: render.pages ?? null,
    createdAt: render.createdAt.toISOString(),
  }));
}
