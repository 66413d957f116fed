import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';

import { APPLICATION_EVENT_TYPES } from '../../machines/application.machine.ts';
import { applicationStatePaths } from '../../machines/state-paths.ts';
import { AppError } from '../errors.ts';
import { loadApplication, requireRole } from '../http/access.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { createRouter, limitJsonBody } from '../http/router.ts';
import { IdParamSchema, jsonBody, jsonContent, listOf, PageQuerySchema, problemResponses } from '../http/schemas.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { actingRoles, visibleApplications } from './access.ts';
import { CYCLES, ApplicationSchema } from './application.entity.ts';
import { describeApplication, summariseApplication } from './application-view.ts';
import { createApplication } from './create-application.ts';
import { EventRequestSchema } from './event-schemas.ts';
import { describeSenders, maySend, type EventType } from './event-senders.ts';
import { readHistory } from './history.ts';
import { sendEvent } from './send-event.ts';

const STATE_PATHS = applicationStatePaths();

/**
 * Rejects (403) an event the caller may never send before its body is checked,
 * so that a caller with the wrong role gets a 403, not advice on a payload it cannot use.
 * A body that is not JSON, or has no known type, is left to the validator.
 */
const checkEventSender: MiddlewareHandler<AppEnv> = async (c, next) => {
  const body: unknown = await c.req.json().catch(() => null);
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && (APPLICATION_EVENT_TYPES as readonly string[]).includes(type)) {
    const eventType = type as EventType;
    if (!maySend(eventType, actingRoles(c.get('person'), c.get('application')))) {
      throw AppError.forbidden(`You may not send ${eventType}: it is sent by ${describeSenders(eventType)}.`);
    }
  }
  await next();
};

/** Builds the filter for a state path. A state that contains others matches every state inside it. */
function stateFilter(state: string | undefined) {
  if (state === undefined) return {};
  return STATE_PATHS.find((candidate) => candidate.path === state)?.compound ? { state: { $like: `${state}.%` } } : { state };
}

const CriterionCoverageJson = z.object({ code: z.string(), title: z.string(), elements: z.number(), withEvidence: z.number(), rated: z.number() });
const ApplicationSummaryJson = z
  .object({
    id: z.uuid(),
    libraryId: z.uuid(),
    libraryName: z.string(),
    standard: z.object({ id: z.string(), version: z.string(), title: z.string() }),
    cycle: z.enum(CYCLES),
    state: z.string(),
    mentorId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    stateChangedAt: z.string(),
    previousApplicationId: z.uuid().nullable(),
    dueOn: z.string().nullable(),
    cycleStartedOn: z.string().nullable(),
    reviewNumber: z.number().int().nullable(),
  })
  .openapi('ApplicationSummary');
const ApplicationJson = ApplicationSummaryJson.extend({
  allowedEvents: z.array(z.string()),
  coverage: z.object({ elements: z.number(), withEvidence: z.number(), rated: z.number(), criteria: z.array(CriterionCoverageJson) }),
}).openapi('Application');
const HistoryItemJson = z
  .object({
    sequence: z.number(),
    type: z.string(),
    kind: z.enum(['machine', 'record']),
    actor: z.union([z.literal('system'), z.object({ id: z.uuid(), name: z.string() })]),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    time: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi('HistoryItem');

const APPLICATION_READERS = ['library_staff', 'mentor', 'quality_group'] as const;

export function applicationRoutes(deps: AppDeps) {
  const router = createRouter();
  const limitBody = limitJsonBody(deps.config.jsonMaxBytes);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications',
      tags: ['Applications'],
      summary: 'Create an application in draft (library staff for their library, or the quality group)',
      middleware: [requireRole('library_staff', 'quality_group'), limitBody] as const,
      request: { body: jsonBody(z.strictObject({ libraryId: z.string().max(100), standardId: z.string().max(100), cycle: z.enum(CYCLES) })) },
      responses: { 201: jsonContent(ApplicationJson, 'The new application'), ...problemResponses(400, 401, 403, 413, 415, 422) },
    }),
    async (c) => {
      const person = c.get('person');
      const application = await createApplication(c.get('em'), deps.standards, person, c.req.valid('json'));
      c.get('log').info({ applicationId: application.id, libraryId: application.library }, 'application created');
      return c.json(await describeApplication(c.get('em'), deps.standards, application, person), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications',
      tags: ['Applications'],
      summary: 'List the applications the caller may see',
      middleware: [requireRole(...APPLICATION_READERS)] as const,
      request: { query: PageQuerySchema.extend({ state: z.enum(STATE_PATHS.map((state) => state.path) as [string, ...string[]]).optional().openapi({ description: 'A state by its dotted path. A state that contains others, such as peerReview, matches all of them.' }), libraryId: z.uuid().optional() }) },
      responses: { 200: jsonContent(listOf(ApplicationSummaryJson), 'Applications, newest first'), ...problemResponses(401, 403, 422) },
    }),
    async (c) => {
      const { limit, offset, state, libraryId } = c.req.valid('query');
      const em = c.get('em');
      const where = {
        $and: [visibleApplications(c.get('person')), stateFilter(state), libraryId === undefined ? {} : { library: libraryId }],
      };
      const [applications, total] = await em.findAndCount(ApplicationSchema, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
      const libraries = await em.find(LibrarySchema, { id: { $in: [...new Set(applications.map((application) => application.library))] } });
      const names = new Map(libraries.map((library) => [library.id, library.name]));
      const items = applications.map((application) => summariseApplication(application, names.get(application.library) ?? '', deps.standards));
      return c.json({ items, total }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}',
      tags: ['Applications'],
      summary: 'One application with its coverage and the events the caller may send now',
      middleware: [requireRole(...APPLICATION_READERS), loadApplication] as const,
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ApplicationJson, 'The application'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => c.json(await describeApplication(c.get('em'), deps.standards, c.get('application'), c.get('person')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/applications/{id}/events',
      tags: ['Applications'],
      summary: 'Send a lifecycle event',
      description: 'The body is the event: `{type, ...payload}`. A 409 names the state and lists the events allowed in it, or the rule that rejected the event.',
      middleware: [requireRole(...APPLICATION_READERS), loadApplication, limitBody, checkEventSender] as const,
      request: { params: IdParamSchema, body: jsonBody(EventRequestSchema) },
      responses: {
        200: jsonContent(ApplicationJson.extend({ fromState: z.string(), sequence: z.number() }), 'The application after the event'),
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
      },
    }),
    async (c) => {
      const person = c.get('person');
      const result = await sendEvent({ em: c.get('em').fork({ clear: true }), standards: deps.standards, log: c.get('log'), config: deps.config, jobs: deps.jobs }, c.get('application').id, person, c.req.valid('json'));
      const detail = await describeApplication(c.get('em'), deps.standards, result.application, person);
      return c.json({ ...detail, fromState: result.fromState, sequence: result.sequence }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/applications/{id}/history',
      tags: ['Applications'],
      summary: 'The history of an application, oldest first',
      middleware: [requireRole(...APPLICATION_READERS), loadApplication] as const,
      request: { params: IdParamSchema, query: PageQuerySchema },
      responses: { 200: jsonContent(listOf(HistoryItemJson), 'History'), ...problemResponses(401, 403, 404, 422) },
    }),
    async (c) => c.json(await readHistory(c.get('em'), c.get('application').id, c.req.valid('query')), 200),
  );

  return router;
}
