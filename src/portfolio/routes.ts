import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';

import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { isUuid } from '../ids.ts';
import { buildPortfolioView } from './build-portfolio-view.ts';
import { renderPortfolioHtml } from './portfolio-templates.ts';
import { PortfolioRenderSchema, RENDER_KINDS, RENDER_STATUSES, type PortfolioRender } from './portfolio-render.entity.ts';
import { queueRender } from './render-portfolio.ts';

const RenderJson = z
  .object({
    id: z.uuid(),
    kind: z.enum(RENDER_KINDS),
    status: z.enum(RENDER_STATUSES),
    progress: z.number().int(),
    reason: z.string().nullable(),
    includeAppendices: z.boolean(),
    sha256: z.string().nullable(),
    size: z.number().nullable(),
    pages: z.number().nullable(),
    attempts: z.number().int(),
    submissionId: z.uuid().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('PortfolioRender');

function renderJson(render: PortfolioRender) {
  return {
    id: render.id,
    kind: render.kind,
    status: render.status,
    progress: render.progress as number,
    reason: render.reason ?? null,
    includeAppendices: render.includeAppendices as boolean,
    sha256: render.sha256 ?? null,
    size: render.size ?? null,
    pages: render.pages ?? null,
    attempts: render.attempts as number,
    submissionId: render.submission ?? null,
    createdAt: render.createdAt.toISOString(),
    finishedAt: render.finishedAt?.toISOString() ?? null,
  };
}

const READERS = ['library_staff', 'mentor', 'quality_group'] as const;
// The preview is a document for reading: no script, no request to anywhere, no framing.
const PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function portfolioRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/portfolio',
      tags: ['Portfolio'],
      summary: 'Portfolio renders of an application, newest first',
      middleware: [requireRole(...READERS), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(RenderJson), 'Renders'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const [renders, total] = await c.get('em').findAndCount(PortfolioRenderSchema, { application: c.get('application').id }, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
      return c.json({ items: renders.map(renderJson), total }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications/{id}/portfolio',
      tags: ['Portfolio'],
      summary: 'Request a draft render of the portfolio, with uploaded PDF evidence appended if asked',
      middleware: [requireRole('library_staff', 'quality_group'), loadApplication, limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: { params: IdParamSchema, body: { required: false, content: { 'application/json': { schema: z.strictObject({ appendices: z.boolean().optional() }) } } } },
      responses: { 202: jsonContent(RenderJson, 'The queued render'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const body = c.req.valid('json') as { appendices?: boolean };
      const render = await c.get('em').transactional((tx) =>
        queueRender(tx, deps.jobs, { applicationId: application.id, kind: 'draft', submissionId: null, includeAppendices: body.appendices === true, requestedBy: c.get('person').id }),
      );
      c.get('log').info({ applicationId: application.id, renderId: render.id }, 'draft portfolio render queued');
      return c.json(renderJson(render), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/applications/{id}/portfolio/{renderId}',
      tags: ['Portfolio'],
      summary: 'Prune a draft render; a submitted render is kept for good',
      middleware: [requireRole('library_staff', 'quality_group'), loadApplication] as const,
      request: { params: IdParamSchema.extend({ renderId: z.string().openapi({ param: { name: 'renderId', in: 'path' } }) }) },
      responses: { 204: { description: 'Pruned' }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const { renderId } = c.req.valid('param');
      const em = c.get('em');
      const render = isUuid(renderId) ? await em.findOne(PortfolioRenderSchema, { id: renderId, application: c.get('application').id }) : null;
      if (render === null) throw AppError.notFound('portfolio render', renderId);
      if (render.kind === 'submitted') throw new AppError('conflict', `Portfolio render ${renderId} is the submitted portfolio, which is kept unchanged for good. Only drafts can be pruned.`);
      if (render.status === 'queued' || render.status === 'rendering') throw new AppError('conflict', `Portfolio render ${renderId} is ${render.status}. Prune it once it is ready or failed.`);
      // The PDF bytes stay in the content store: another render may have the same hash.
      await em.nativeDelete(PortfolioRenderSchema, { id: render.id });
      c.get('log').info({ applicationId: render.application, renderId }, 'draft portfolio render pruned');
      return c.body(null, 204);
    },
  );

  return router;
}

/** Builds the routes that send documents rather than JSON: a render's PDF and the HTML preview. */
export function portfolioFileRoutes(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const readers = [requireRole(...READERS), loadApplication] as const;

  router.get('/api/applications/:id/portfolio/preview', ...readers, async (c) => {
    const view = await buildPortfolioView(c.get('em'), deps.standards, { applicationId: c.get('application').id, submissionId: null });
    return c.html(renderPortfolioHtml(view), 200, { 'content-security-policy': PREVIEW_POLICY, 'x-content-type-options': 'nosniff' });
  });

  router.get('/api/applications/:id/portfolio/:renderId/pdf', ...readers, async (c) => {
    const renderId = c.req.param('renderId');
    const render = isUuid(renderId) ? await c.get('em').findOne(PortfolioRenderSchema, { id: renderId, application: c.get('application').id }) : null;
    if (render === null) throw AppError.notFound('portfolio render', renderId);
    if (render.status !== 'ready' || render.sha256 == null) {
      throw new AppError('conflict', `Portfolio render ${renderId} is ${render.status}${render.reason ? ` (${render.reason})` : ''}, so it has no PDF yet. Wait until its status is ready.`, { status: render.status });
    }

    const etag = `"${render.sha256}"`;
    const headers = { etag, 'x-content-type-options': 'nosniff' };
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === etag)) return c.body(null, 304, headers);
    const bytes = await deps.contentStore.get(c.get('em'), render.sha256);
    if (bytes === null) {
      c.get('log').error({ renderId, sha256: render.sha256 }, 'stored portfolio PDF is missing');
      throw new AppError('not_found', `The PDF of portfolio render ${renderId} is missing from the store. Request a new render.`);
    }
    const name = `portfolio-${render.kind}-${render.createdAt.toISOString().slice(0, 10)}.pdf`;
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"` });
  });

  return router;
}
