import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';

import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import type { Role } from '../people/person.entity.ts';
import { findMentor, putMentorProfile, readMentorProfile } from './mentor-profiles.ts';
import { suggestMentors } from './mentor-suggestions.ts';

const MentorProfileBody = z.strictObject({
  capacity: z.number().int().min(0).max(100).openapi({ description: 'Maximum number of applications the mentor takes at once. The quality group treats it as advice and may assign more.' }),
  standards: z.array(z.string().max(100)).max(100).openapi({ description: 'Ids of the standards the mentor can review' }),
  conflicts: z.array(z.string().max(100)).max(1000).openapi({ description: 'Ids of libraries the mentor declares a conflict of interest with' }),
});
const MentorProfileJson = z
  .object({
    personId: z.uuid(),
    capacity: z.number().int(),
    standards: z.array(z.string()),
    conflicts: z.array(z.string()),
    declared: z.boolean().openapi({ description: 'False when no profile is stored and the values are the defaults' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('MentorProfile');
const MentorSuggestionJson = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    library: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    load: z.number().int().openapi({ description: 'Applications currently assigned to the mentor' }),
    capacity: z.number().int(),
    experience: z.number().int().openapi({ description: "Review rounds the mentor has had on applications of this application's standard" }),
  })
  .openapi('MentorSuggestion');

/**
 * Rejects (403) a caller who is neither the person named by the path nor one of
 * `roles`, then loads that person so that an unknown id (404) or a non-mentor
 * (422) is reported before the body is read.
 */
function requireSelfOr(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = c.get('person');
    const id = c.req.param('id') ?? '';
    if (caller.id !== id && !roles.some((role) => caller.roles.includes(role))) {
      throw AppError.forbidden(`${c.req.method} ${c.req.routePath} is for the mentor named in the path or for ${roles.join(' or ')}.`);
    }
    await findMentor(c.get('em'), id);
    await next();
  };
}

export function mentorRoutes(deps: AppDeps) {
  const router = createRouter();
  const defaultCapacity = deps.config.mentorDefaultCapacity;

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/people/{id}/mentor-profile',
      tags: ['Peer review'],
      summary: "Store a mentor's capacity, standards and declared conflicts (that mentor or an admin)",
      middleware: [requireRole('mentor', 'admin'), requireSelfOr('admin'), limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: { params: IdParamSchema, body: jsonBody(MentorProfileBody) },
      responses: { 200: jsonContent(MentorProfileJson, 'The stored profile'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const mentor = await findMentor(c.get('em'), c.req.valid('param').id);
      const profile = await putMentorProfile(c.get('em'), mentor.id, c.req.valid('json'), deps.standards);
      c.get('log').info({ mentorId: mentor.id, capacity: profile.capacity, standards: profile.standards, conflicts: profile.conflicts }, 'mentor profile stored');
      return c.json(profile, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/people/{id}/mentor-profile',
      tags: ['Peer review'],
      summary: "A mentor's profile, or the defaults with declared false (that mentor, admins and the quality group)",
      middleware: [requireRole('mentor', 'admin', 'quality_group'), requireSelfOr('admin', 'quality_group')] as const,
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(MentorProfileJson, 'The profile'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const mentor = await findMentor(c.get('em'), c.req.valid('param').id);
      return c.json(await readMentorProfile(c.get('em'), mentor.id, deps.standards, defaultCapacity), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/mentor-suggestions',
      tags: ['Peer review'],
      summary: 'Mentors who may be assigned, fewest current assignments first, then most rounds on the same standard, then name (the quality group)',
      middleware: [requireRole('quality_group'), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(MentorSuggestionJson), 'Eligible mentors, best first'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const ranked = await suggestMentors(c.get('em'), c.get('application'), defaultCapacity);
      return c.json({ items: ranked.slice(offset, offset + limit), total: ranked.length }, 200);
    },
  );

  return router;
}
