import { createRoute, z } from '@hono/zod-openapi';

import { standardOf } from '../applications/standard-of.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { CodeParams, SelfAssessmentJson } from './evidence-schemas.ts';
import { listSelfAssessments, selfAssessmentJson } from './evidence-reads.ts';
import { putSelfAssessment } from './self-assessment-writes.ts';

export function selfAssessmentRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/applications/{id}/self-assessment/{code}',
      tags: ['Evidence'],
      summary: "Set the library's self-rating and statement for one element",
      middleware: [requireRole('library_staff'), loadApplication, limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: { params: CodeParams, body: jsonBody(z.strictObject({ rating: z.string().max(100), statement: z.string().max(100_000).optional() })) },
      responses: { 200: jsonContent(SelfAssessmentJson, 'The stored rating'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { code } = c.req.valid('param');
      const row = await putSelfAssessment(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), { code, ...c.req.valid('json') });
      return c.json(selfAssessmentJson(row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/self-assessment',
      tags: ['Evidence'],
      summary: 'List the self-ratings and statements, by element code',
      middleware: [requireRole('library_staff', 'mentor', 'quality_group'), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(SelfAssessmentJson), 'Self-assessments'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await listSelfAssessments(c.get('em'), c.get('application').id, c.req.valid('query')), 200),
  );

  return router;
}
