import { createRoute, z } from '@hono/zod-openapi';

import { standardOf } from '../applications/standard-of.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { addComment, checkElementCode, listComments, setResolved } from './review-comments.ts';

const PersonRefJson = z.object({ id: z.uuid(), name: z.string() });
const CommentJson = z
  .object({
    id: z.uuid(),
    elementCode: z.string(),
    parentId: z.uuid().nullable(),
    author: PersonRefJson,
    body: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: PersonRefJson.nullable(),
  })
  .openapi('ReviewComment');
const CodeParams = IdParamSchema.extend({ code: z.string().max(50).openapi({ param: { name: 'code', in: 'path' }, example: '1.3.1' }) });
const CommentIdParams = IdParamSchema.extend({ commentId: z.string().openapi({ param: { name: 'commentId', in: 'path' }, example: '0192f2a4-5b6c-7d8e-9f00-112233445566' }) });
const NewCommentBody = z.strictObject({
  body: z.string().min(1).max(10_000),
  parentId: z.string().max(100).nullable().optional().openapi({ description: 'The comment this one replies to, on the same element' }),
});
const UnresolvedQuery = PageQuerySchema.extend({
  unresolved: z.enum(['true', 'false']).optional().openapi({ param: { name: 'unresolved', in: 'query' }, description: 'true lists only comments not yet resolved' }),
});

// Staff of the applying library, its assigned mentor and the quality group. loadApplication hides the application (404) from other staff and mentors.
const COMMENTERS = ['library_staff', 'mentor', 'quality_group'] as const;

export function commentRoutes(deps: AppDeps) {
  const router = createRouter();
  const limitBody = limitJsonBody(deps.config.jsonMaxBytes);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications/{id}/review/elements/{code}/comments',
      tags: ['Peer review'],
      summary: "Comment on one element, or reply to a comment on it (the library's staff, the assigned mentor, the quality group)",
      middleware: [requireRole(...COMMENTERS), loadApplication, limitBody] as const,
      request: { params: CodeParams, body: jsonBody(NewCommentBody) },
      responses: { 201: jsonContent(CommentJson, 'The new comment'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { code } = c.req.valid('param');
      const comment = await addComment(c.get('em'), application.id, standardOf(deps.standards, application), c.get('person').id, { elementCode: code, ...c.req.valid('json') });
      c.get('log').info({ applicationId: application.id, commentId: comment.id, elementCode: code, parentId: comment.parentId }, 'review comment added');
      return c.json(comment, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/review/elements/{code}/comments',
      tags: ['Peer review'],
      summary: 'The comments on one element, oldest first',
      middleware: [requireRole(...COMMENTERS), loadApplication] as const,
      request: { params: CodeParams, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(CommentJson), 'Comments, oldest first'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { code } = c.req.valid('param');
      const { limit, offset } = c.req.valid('query');
      checkElementCode(standardOf(deps.standards, application), code);
      return c.json(await listComments(c.get('em'), application.id, { elementCode: code }, { limit, offset }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/review/comments',
      tags: ['Peer review'],
      summary: 'The comments on every element, oldest first; unresolved=true lists only open ones',
      middleware: [requireRole(...COMMENTERS), loadApplication] as const,
      request: { params: IdParamSchema, query: UnresolvedQuery },
      responses: { 200: jsonContent(listOf(CommentJson), 'Comments, oldest first'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { limit, offset, unresolved } = c.req.valid('query');
      return c.json(await listComments(c.get('em'), c.get('application').id, { unresolved: unresolved === 'true' }, { limit, offset }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/applications/{id}/review/comments/{commentId}',
      tags: ['Peer review'],
      summary: "Resolve a comment, or open it again (the library's staff, the assigned mentor, the quality group)",
      middleware: [requireRole(...COMMENTERS), loadApplication, limitBody] as const,
      request: { params: CommentIdParams, body: jsonBody(z.strictObject({ resolved: z.boolean() })) },
      responses: { 200: jsonContent(CommentJson, 'The comment'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const application = c.get('application');
      const { commentId } = c.req.valid('param');
      const { resolved } = c.req.valid('json');
      const comment = await setResolved(c.get('em'), application.id, commentId, resolved, c.get('person').id);
      c.get('log').info({ applicationId: application.id, commentId: comment.id, resolved }, resolved ? 'review comment resolved' : 'review comment reopened');
      return c.json(comment, 200);
    },
  );

  return router;
}
