import { createRoute, z } from '@hono/zod-openapi';

import { AppError } from '../errors.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter } from '../http/router.ts';
import { StandardIdParamSchema, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import type { LoadedStandard } from './standard-registry.ts';

const StandardSummaryJson = z
  .object({ id: z.string(), version: z.string(), title: z.string(), published: z.string(), elements: z.number().int(), latest: z.boolean() })
  .openapi('StandardSummary');

const StandardJson = z.object({ id: z.string(), version: z.string(), title: z.string(), criteria: z.array(z.any()) }).passthrough().openapi('Standard');

function standardJson(standard: LoadedStandard) {
  return {
    id: standard.id,
    version: standard.version,
    title: standard.title,
    published: standard.published,
    notice: standard.notice,
    levels: standard.levels,
    ratingScale: standard.ratingScale,
    certificationRule: standard.certificationRule,
    ruleNote: standard.ruleNote,
    elements: standard.elements.length,
    criteria: standard.criteria,
  };
}

export function standardRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/standards',
      tags: ['Standards'],
      summary: 'List the loaded standards, every version',
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(StandardSummaryJson), 'Standards by id, then publication date'), ...problemResponses(401, 422) },
    }),
    (c) => {
      const { limit, offset } = c.req.valid('query');
      const all = deps.standards.list().map((standard) => ({ ...standard.summary(), latest: deps.standards.latest(standard.id) === standard }));
      return c.json({ items: all.slice(offset, offset + limit), total: all.length }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/standards/{id}',
      tags: ['Standards'],
      summary: 'One standard with its tree of criteria, newest version unless `version` is given',
      request: { params: StandardIdParamSchema, query: z.object({ version: z.string().max(100).optional() }) },
      responses: { 200: jsonContent(StandardJson, 'The standard'), ...problemResponses(401, 404, 422) },
    }),
    (c) => {
      const { id } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const standard = version === undefined ? deps.standards.latest(id) : deps.standards.get(id, version);
      if (standard === undefined) {
        const known = deps.standards.list().map((item) => `${item.id} ${item.version}`).join(', ');
        throw new AppError('not_found', `No standard "${id}"${version === undefined ? '' : ` version "${version}"`} is loaded. Loaded: ${known}.`);
      }
      return c.json(standardJson(standard), 200);
    },
  );

  return router;
}
