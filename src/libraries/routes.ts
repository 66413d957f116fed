import { createRoute, z } from '@hono/zod-openapi';

import type { AppDeps } from '../http/env.ts';
import { requireRole } from '../http/access.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { addLibrary, libraryJson } from './libraries.ts';
import { LibrarySchema } from './library.entity.ts';

const LibraryJson = z.object({ id: z.uuid(), name: z.string() }).openapi('Library');

export function libraryRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/libraries',
      tags: ['Libraries'],
      summary: 'Add a member library (admins)',
      middleware: [requireRole('admin'), limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: { body: jsonBody(z.strictObject({ name: z.string().min(1).max(200) })) },
      responses: { 201: jsonContent(LibraryJson, 'The new library'), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
    }),
    async (c) => {
      const library = await addLibrary(c.get('em'), c.req.valid('json').name);
      c.get('log').info({ libraryId: library.id }, 'library added');
      return c.json(libraryJson(library), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/libraries',
      tags: ['Libraries'],
      summary: 'List member libraries',
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(LibraryJson), 'Libraries by name'), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const [libraries, total] = await c.get('em').findAndCount(LibrarySchema, {}, { orderBy: { name: 'asc' }, limit, offset });
      return c.json({ items: libraries.map(libraryJson), total }, 200);
    },
  );

  return router;
}
