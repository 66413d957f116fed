import { createRoute, z } from '@hono/zod-openapi';

import { AppError } from '../errors.ts';
import type { AppDeps } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { isUuid } from '../ids.ts';
import { NotificationSchema, type Notification } from './notification.entity.ts';

const NotificationJson = z
  .object({ id: z.uuid(), applicationId: z.uuid().nullable(), kind: z.string(), message: z.string(), createdAt: z.string(), readAt: z.string().nullable() })
  .openapi('Notification');

function notificationJson(row: Notification) {
  return { id: row.id, applicationId: row.application ?? null, kind: row.kind, message: row.message, createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null };
}

/** Builds the routes of the caller's own in-app notifications: review reminders and overdue notices. */
export function notificationRoutes(deps: AppDeps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/me/notifications',
      tags: ['Notifications'],
      summary: "The caller's notifications, newest first",
      request: { query: PageQuerySchema.extend({ unread: z.enum(['true', 'false']).optional() }) },
      responses: { 200: jsonContent(listOf(NotificationJson), 'Notifications'), ...problemResponses(401, 422) },
    }),
    async (c) => {
      const { limit, offset, unread } = c.req.valid('query');
      const where = { person: c.get('person').id, ...(unread === 'true' ? { readAt: null } : {}) };
      const [rows, total] = await c.get('em').findAndCount(NotificationSchema, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
      return c.json({ items: rows.map(notificationJson), total }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/me/notifications/{notificationId}',
      tags: ['Notifications'],
      summary: 'Mark one of your notifications read or unread',
      middleware: [limitJsonBody(deps.config.jsonMaxBytes)] as const,
      request: {
        params: z.object({ notificationId: z.string().openapi({ param: { name: 'notificationId', in: 'path' } }) }),
        body: jsonBody(z.strictObject({ read: z.boolean() })),
      },
      responses: { 200: jsonContent(NotificationJson, 'The notification'), ...problemResponses(400, 401, 404, 413, 415, 422) },
    }),
    async (c) => {
      const { notificationId } = c.req.valid('param');
      const row = isUuid(notificationId) ? await c.get('em').findOne(NotificationSchema, { id: notificationId, person: c.get('person').id }) : null;
      if (row === null) throw AppError.notFound('notification', notificationId);
      row.readAt = c.req.valid('json').read ? new Date() : null;
      await c.get('em').flush();
      return c.json(notificationJson(row), 200);
    },
  );

  return router;
}
