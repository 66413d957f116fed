import { createRoute, z } from '@hono/zod-openapi';

import { standardOf } from '../applications/standard-of.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter } from '../http/router.ts';
import { IdParamSchema, jsonContent, problemResponses } from '../http/schemas.ts';
import { detailedCoverage, type CoverageNode } from './coverage-detail.ts';

const CoverageNodeJson: z.ZodType<CoverageNode> = z
  .object({
    code: z.string(),
    title: z.string(),
    elements: z.number(),
    withEvidence: z.number(),
    rated: z.number(),
    ratings: z.record(z.string(), z.number()),
    missing: z.array(z.string()),
    subCriteria: z.array(z.lazy(() => CoverageNodeJson)),
  })
  .openapi('CoverageNode') as never;

export function coverageRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/coverage',
      tags: ['Evidence'],
      summary: 'Evidence and self-rating coverage per criterion and sub-criterion',
      middleware: [requireRole('library_staff', 'mentor', 'quality_group'), loadApplication] as const,
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ criteria: z.array(CoverageNodeJson) }), 'Coverage'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const application = c.get('application');
      return c.json(await detailedCoverage(c.get('em'), application.id, standardOf(deps.standards, application)), 200);
    },
  );

  return router;
}
