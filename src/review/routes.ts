import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';

import { actingRoles } from '../applications/access.ts';
import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, problemResponses } from '../http/schemas.ts';
import { VERDICTS } from './element-review.entity.ts';
import { readRounds } from './round-reads.ts';
import { moveReviewDueDate } from './review-due-date.ts';
import { putVerdicts, verdictJson } from './verdict-writes.ts';

const VerdictBody = z.strictObject({
  verdict: z.enum(VERDICTS),
  comment: z.string().max(10_000).optional(),
  suggestedRating: z.string().max(100).nullable().optional(),
});
const VerdictJson = z
  .object({ code: z.string(), verdict: z.enum(VERDICTS), comment: z.string(), suggestedRating: z.string().nullable(), updatedAt: z.string() })
  .openapi('Verdict');
const CodeParams = IdParamSchema.extend({ code: z.string().max(50).openapi({ param: { name: 'code', in: 'path' }, example: '1.3.1' }) });
const ChangeRef = z.object({ id: z.uuid(), title: z.string() });
const RoundJson = z
  .object({
    number: z.number().int(),
    mentor: z.object({ id: z.uuid(), name: z.string(), libraryId: z.uuid().nullable() }),
    openedAt: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    decision: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionComment: z.string().nullable(),
    verdicts: z.array(VerdictJson),
    changes: z
      .array(
        z.object({
          code: z.string(),
          evidence: z.object({ added: z.array(ChangeRef), changed: z.array(ChangeRef), removed: z.array(ChangeRef) }),
          statementChanged: z.boolean(),
          ratingChanged: z.boolean(),
          rating: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
        }),
      )
      .nullable(),
  })
  .openapi('ReviewRound');

/** Refuses (403) anyone but the application's assigned mentor; the route has already hidden it from strangers. */
function requireAssignedMentor(c: Context<AppEnv>): void {
  if (!actingRoles(c.get('person'), c.get('application')).has('mentor')) {
    throw AppError.forbidden(`Only the mentor assigned to application ${c.get('application').id} may give verdicts on it.`);
  }
}

export function reviewRoutes(deps: AppDeps) {
  const router = createRouter();
  const limitBody = limitJsonBody(deps.config.jsonMaxBytes);

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/applications/{id}/review/elements/{code}',
      tags: ['Peer review'],
      summary: "Give the assigned mentor's verdict on one element in the open round",
      middleware: [requireRole('mentor'), loadApplication, limitBody] as const,
      request: { params: CodeParams, body: jsonBody(VerdictBody) },
      responses: { 200: jsonContent(VerdictJson, 'The stored verdict'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      requireAssignedMentor(c);
      const application = c.get('application');
      const { code } = c.req.valid('param');
      const [row] = await putVerdicts(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), [{ code, ...c.req.valid('json') }]);
      return c.json(verdictJson(row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/applications/{id}/review/elements',
      tags: ['Peer review'],
      summary: 'Give verdicts on several elements at once, all or none',
      middleware: [requireRole('mentor'), loadApplication, limitBody] as const,
      request: { params: IdParamSchema, body: jsonBody(z.strictObject({ verdicts: z.array(VerdictBody.extend({ code: z.string().max(50) })).min(1).max(1000) })) },
      responses: { 200: jsonContent(z.object({ items: z.array(VerdictJson), total: z.number() }), 'The stored verdicts'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      requireAssignedMentor(c);
      const application = c.get('application');
      const rows = await putVerdicts(c.get('em'), application.id, c.get('person').id, standardOf(deps.standards, application), c.req.valid('json').verdicts);
      return c.json({ items: rows.map(verdictJson), total: rows.length }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/review/rounds',
      tags: ['Peer review'],
      summary: 'Review rounds, oldest first, with verdicts, decision, due date and the changes since the previous round',
      middleware: [requireRole('library_staff', 'mentor', 'quality_group'), loadApplication] as const,
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ items: z.array(RoundJson), total: z.number() }), 'Rounds'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const application = c.get('application');
      const items = await readRounds(c.get('em'), application.id, standardOf(deps.standards, application), new Date());
      return c.json({ items, total: items.length }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/applications/{id}/review',
      tags: ['Peer review'],
      summary: "Move the open round's due date (the quality group)",
      middleware: [requireRole('quality_group'), loadApplication, limitBody] as const,
      request: { params: IdParamSchema, body: jsonBody(z.strictObject({ dueAt: z.iso.datetime({ offset: true }).or(z.iso.date()) })) },
      responses: { 200: jsonContent(z.object({ number: z.number(), dueAt: z.string() }), 'The round with its new due date'), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { dueAt } = c.req.valid('json');
      const round = await moveReviewDueDate(c.get('em'), application.id, dueAt);
      c.get('log').info({ applicationId: application.id, round: round.number, dueAt: round.dueAt.toISOString() }, 'review due date moved');
      return c.json({ number: round.number, dueAt: round.dueAt.toISOString() }, 200);
    },
  );

  return router;
}
