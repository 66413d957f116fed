import { createRoute, z } from '@hono/zod-openapi';

import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter } from '../http/router.ts';
import { IdParamSchema, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { SubmissionSchema } from './submission.entity.ts';

const SubmissionJson = z
  .object({ id: z.uuid(), eventSequence: z.number().int(), submittedAt: z.string(), record: z.record(z.string(), z.unknown()) })
  .openapi('Submission');

export function submissionRoutes(_deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/submissions',
      tags: ['Applications'],
      summary: 'The record of each submission: the evidence revisions with their hashes, statements and self-ratings, oldest first',
      middleware: [requireRole('library_staff', 'mentor', 'quality_group'), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(SubmissionJson), 'Submissions'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const [rows, total] = await c.get('em').findAndCount(SubmissionSchema, { application: c.get('application').id }, { orderBy: { eventSequence: 'asc' }, limit, offset });
      const items = rows.map((row) => ({ id: row.id, eventSequence: row.eventSequence, submittedAt: row.submittedAt.toISOString(), record: row.record }));
      return c.json({ items, total }, 200);
    },
  );

  return router;
}
