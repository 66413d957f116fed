import { createRoute, z } from '@hono/zod-openapi';

import { AppError } from '../errors.ts';
import { requireRole } from '../http/access.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { isUuid } from '../ids.ts';
import { addPerson, personJson } from './people.ts';
import { PersonSchema, ROLES } from './person.entity.ts';
import { issueToken } from './tokens.ts';

const RoleSchema = z.enum(ROLES);

const PersonJson = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), role: RoleSchema, roles: z.array(RoleSchema), libraryId: z.uuid().nullable() })
  .openapi('Person');

const NewPersonSchema = z
  .strictObject({
    email: z.string().max(320),
    name: z.string().max(200),
    role: RoleSchema.optional(),
    roles: z.array(RoleSchema).max(4).optional(),
    libraryId: z.uuid().nullable().optional(),
  })
  .refine((body) => body.role !== undefined || (body.roles?.length ?? 0) > 0, { message: 'give role, or roles with at least one role', path: ['role'] });

export function peopleRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/people',
      tags: ['People'],
      summary: 'Add a person (admins)',
      middleware: [requireRole('admin'), limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: { body: jsonBody(NewPersonSchema) },
      responses: { 201: jsonContent(PersonJson, 'The new person'), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const roles = [...(body.role === undefined ? [] : [body.role]), ...(body.roles ?? [])];
      const person = await addPerson(c.get('em'), { email: body.email, name: body.name, roles, libraryId: body.libraryId ?? null });
      c.get('log').info({ newPersonId: person.id, roles: person.roles }, 'person added');
      return c.json(personJson(person), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/people',
      tags: ['People'],
      summary: 'List people (admins and the quality group)',
      middleware: [requireRole('admin', 'quality_group')] as const,
      request: { query: PageQuerySchema.extend({ role: RoleSchema.optional(), libraryId: z.uuid().optional() }) },
      responses: { 200: jsonContent(listOf(PersonJson), 'People by name'), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const { limit, offset, role, libraryId } = c.req.valid('query');
      const where = { ...(role === undefined ? {} : { roles: { $contains: [role] } }), ...(libraryId === undefined ? {} : { library: libraryId }) };
      const [people, total] = await c.get('em').findAndCount(PersonSchema, where, { orderBy: { name: 'asc', id: 'asc' }, limit, offset });
      return c.json({ items: people.map(personJson), total }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/people/{id}/tokens',
      tags: ['People'],
      summary: 'Issue a bearer token for a person (admins); the token is shown once',
      middleware: [requireRole('admin')] as const,
      request: { params: IdParamSchema },
      responses: { 201: jsonContent(z.object({ token: z.string(), personId: z.uuid() }), 'The new token'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const person = isUuid(id) ? await c.get('em').findOne(PersonSchema, { id }) : null;
      if (person === null) throw AppError.notFound('person', id);
      const token = await issueToken(c.get('em'), person.id);
      c.get('log').info({ tokenPersonId: person.id }, 'token issued');
      return c.json({ token, personId: person.id }, 201);
    },
  );

  return router;
}
