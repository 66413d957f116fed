import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NotificationSchema } from '../../src/review/notification.entity.ts';
import { makePdf } from '../fixtures/files/make-files.ts';
import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { buildMultipart } from '../support/multipart.ts';
import { fillPath, listOperations, readOpenApi, servedApiRoutes, type Operation } from '../support/openapi-operations.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const CALLERS = ['staffA', 'staffB', 'mentor', 'otherMentor', 'quality', 'admin'] as const;
type Caller = (typeof CALLERS)[number];

const EVERYONE: Caller[] = [...CALLERS];
// The staff of the applying library, its assigned mentor and the quality group.
const READERS: Caller[] = ['staffA', 'mentor', 'quality'];

/**
 * Who may get past the access checks of each route, called on library A's
 * application in peer review with `mentor` assigned. Every documented route
 * needs an entry, so a new route fails this file until its access is declared.
 */
const GRANTED: Record<string, Caller[]> = {
  'GET /api/standards': EVERYONE,
  'GET /api/standards/{id}': EVERYONE,
  'POST /api/libraries': ['admin'],
  'GET /api/libraries': EVERYONE,
  'POST /api/people': ['admin'],
  'GET /api/people': ['quality', 'admin'],
  'POST /api/people/{id}/tokens': ['admin'],
  'POST /api/applications': ['staffA', 'quality'],
  'GET /api/applications': ['staffA', 'staffB', 'mentor', 'otherMentor', 'quality'],
  'GET /api/applications/{id}': READERS,
  // The body is submit, which only the applying library's staff send.
  'POST /api/applications/{id}/events': ['staffA'],
  'GET /api/applications/{id}/history': READERS,
  'GET /api/applications/{id}/submissions': READERS,
  'POST /api/applications/{id}/evidence': ['staffA'],
  'GET /api/applications/{id}/evidence': READERS,
  'GET /api/applications/{id}/evidence/{evidenceId}': READERS,
  'PATCH /api/applications/{id}/evidence/{evidenceId}': ['staffA'],
  'DELETE /api/applications/{id}/evidence/{evidenceId}': ['staffA'],
  'GET /api/applications/{id}/evidence/{evidenceId}/history': READERS,
  'GET /api/applications/{id}/evidence/{evidenceId}/file': READERS,
  'PUT /api/applications/{id}/evidence/{evidenceId}/file': ['staffA'],
  'PUT /api/applications/{id}/self-assessment/{code}': ['staffA'],
  'GET /api/applications/{id}/self-assessment': READERS,
  'GET /api/applications/{id}/coverage': READERS,
  'PUT /api/applications/{id}/review/elements/{code}': ['mentor'],
  'PUT /api/applications/{id}/review/elements': ['mentor'],
  'GET /api/applications/{id}/review/rounds': READERS,
  'PATCH /api/applications/{id}/review': ['quality'],
  // The person in the path is the assigned mentor.
  'PUT /api/people/{id}/mentor-profile': ['mentor', 'admin'],
  'GET /api/people/{id}/mentor-profile': ['mentor', 'quality', 'admin'],
  'GET /api/applications/{id}/mentor-suggestions': ['quality'],
  'POST /api/applications/{id}/review/elements/{code}/comments': READERS,
  'GET /api/applications/{id}/review/elements/{code}/comments': READERS,
  'GET /api/applications/{id}/review/comments': READERS,
  'PATCH /api/applications/{id}/review/comments/{commentId}': READERS,
  // Everyone reads their own notifications; the one in the path belongs to the mentor.
  'GET /api/me/notifications': EVERYONE,
  'PATCH /api/me/notifications/{notificationId}': ['mentor'],
  'GET /api/applications/{id}/portfolio': READERS,
  'POST /api/applications/{id}/portfolio': ['staffA', 'quality'],
  'DELETE /api/applications/{id}/portfolio/{renderId}': ['staffA', 'quality'],
  'GET /api/applications/{id}/portfolio/preview': READERS,
  'GET /api/applications/{id}/portfolio/{renderId}/pdf': READERS,
  'POST /api/applications/{id}/evidence-matrix': ['staffA'],
  'GET /api/applications/{id}/evidence-matrix.csv': READERS,
  'GET /api/applications/{id}/evidence-matrix.xlsx': READERS,
};

let counter = 0;

/** Builds a body that passes validation where one is needed and changes nothing that a later call relies on. */
function bodyFor(operation: Operation, libraryId: string): unknown {
  switch (operation.name) {
    case 'POST /api/libraries':
      return { name: `Access Library ${++counter} ${randomUUID()}` };
    case 'POST /api/people':
      return { email: `access${++counter}.${randomUUID().slice(0, 8)}@example.ac.uk`, name: 'Access Person', role: 'quality_group' };
    case 'POST /api/applications':
      return { libraryId, standardId: 'cse', cycle: 'initial' };
    case 'POST /api/applications/{id}/events':
      return { type: 'submit' };
    case 'POST /api/applications/{id}/evidence':
      return { kind: 'note', title: 'Late note', body: 'Added in review.' };
    case 'PATCH /api/applications/{id}/evidence/{evidenceId}':
      return { title: 'Renamed in review' };
    case 'PUT /api/applications/{id}/self-assessment/{code}':
      return { rating: 'compliance' };
    case 'PUT /api/applications/{id}/review/elements/{code}':
      return { verdict: 'ok' };
    case 'PUT /api/applications/{id}/review/elements':
      return { verdicts: [{ code: '1.1.1', verdict: 'ok' }] };
    case 'PATCH /api/applications/{id}/review':
      return { dueAt: '2031-01-31' };
    case 'PUT /api/people/{id}/mentor-profile':
      return { capacity: 3, standards: ['cse'], conflicts: [] };
    case 'POST /api/applications/{id}/review/elements/{code}/comments':
      return { body: 'Where is the survey?' };
    case 'PATCH /api/applications/{id}/review/comments/{commentId}':
      return { resolved: true };
    case 'PATCH /api/me/notifications/{notificationId}':
      return { read: true };
    case 'POST /api/applications/{id}/portfolio':
      return {};
    default:
      return operation.jsonBody === null ? undefined : {};
  }
}

type Ids = { id: string; evidenceId: string; code: string; commentId: string; renderId: string; notificationId: string };

describe('every route with every role', () => {
  let app: TestApp;
  let libraryA: string;
  let operations: Operation[];
  let people: Record<Caller, TestPerson>;
  let spare: TestPerson;
  let idsA: Ids;
  let idsB: Ids;

  const send = async (operation: Operation, ids: Record<string, string>, caller: Caller | null) => {
    const url = fillPath(operation.path, ids);
    const token = caller === null ? null : people[caller].token;
    if (operation.jsonBody !== null || !operation.contentTypes.includes('multipart/form-data')) return app.call(operation.method, url, token, bodyFor(operation, libraryA));

    // The file routes get a real upload, so that a granted call reaches the checks behind the multipart parser.
    const file = operation.path.endsWith('/evidence-matrix') ? { fileName: 'matrix.csv', body: 'Element,Title\r\n1.1.1,Opening hours\r\n' } : { fileName: 'charter.pdf', body: makePdf() };
    const { body, contentType } = buildMultipart([{ name: 'file', ...file }]);
    const response = await app.raw(operation.method, url, token, body, { 'content-type': contentType });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
  };

  /** The ids to use for a route: people routes name the mentor, or a spare person whose tokens no other test uses. */
  const idsFor = (operation: Operation, ids: Ids): Record<string, string> => {
    if (operation.path === '/api/people/{id}/tokens') return { ...ids, id: spare.id };
    if (operation.path.startsWith('/api/people/')) return { ...ids, id: people.mentor.id };
    if (operation.path.startsWith('/api/standards/')) return { ...ids, id: 'cse' };
    return ids;
  };

  /** Walks a new application of `staff`'s library into review with `mentor`, with a file, a comment, a queued render and a notification. */
  const fixtureApplication = async (staff: TestPerson, mentor: TestPerson, quality: TestPerson): Promise<Ids> => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    const [file] = (await app.upload(`/api/applications/${id}/evidence`, staff.token, [{ name: 'elements', body: '1.1.1' }, { name: 'file', fileName: 'charter.pdf', body: makePdf() }])).body;
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    const assigned = await app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    if (assigned.status !== 200) throw new Error(`assigning the mentor failed: ${JSON.stringify(assigned.body)}`);
    const comment = await app.call('POST', `/api/applications/${id}/review/elements/1.1.1/comments`, mentor.token, { body: 'Please add the survey.' });
    const render = await app.call('POST', `/api/applications/${id}/portfolio`, staff.token, {});

    // Reminders come from the review clock; one is written here so that the notification route has a row to guard.
    const em = app.db.em.fork();
    const notificationId = randomUUID();
    em.create(NotificationSchema, { id: notificationId, person: mentor.id, application: id, kind: 'review.due', message: 'Review due soon.', key: `access-${notificationId}`, createdAt: new Date() });
    await em.flush();

    return { id, evidenceId: file.id, code: '1.1.1', commentId: comment.body.id, renderId: render.body.id, notificationId };
  };

  beforeAll(async () => {
    // No render worker, so the queued renders stay queued and their routes return the same response on every call.
    app = await createTestApp({ RENDER_IN_SERVICE: 'false' });
    libraryA = await app.library('Ashby Public Library');
    const libraryB = await app.library('Bramley College Library');
    const libraryC = await app.library('Cawood Town Library');
    people = {
      staffA: await app.person(['library_staff'], libraryA),
      staffB: await app.person(['library_staff'], libraryB),
      mentor: await app.person(['mentor'], libraryC),
      otherMentor: await app.person(['mentor'], libraryC),
      quality: await app.person(['quality_group']),
      admin: await app.person(['admin']),
    };
    spare = await app.person(['library_staff'], libraryC);

    idsA = await fixtureApplication(people.staffA, people.mentor, people.quality);
    idsB = await fixtureApplication(people.staffB, people.otherMentor, people.quality);
    operations = listOperations(await readOpenApi(app));
  }, 120_000);

  afterAll(async () => {
    await app?.dispose();
  });

  it('documents every served API route', () => {
    const documented = new Set(operations.map((operation) => operation.name));

    expect(servedApiRoutes(app).filter((route) => !documented.has(route))).toEqual([]);
  });

  it('declares access for every documented route', () => {
    expect(operations.map((operation) => operation.name).filter((name) => GRANTED[name] === undefined)).toEqual([]);
  });

  it('turns away callers without a token', async () => {
    for (const operation of operations) {
      const response = await send(operation, idsFor(operation, idsA), null);
      expect(response.status, operation.name).toBe(401);
    }
  });

  it('grants no access beyond the role', async () => {
    for (const operation of operations) {
      for (const caller of CALLERS) {
        const granted = GRANTED[operation.name].includes(caller);
        const response = await send(operation, idsFor(operation, idsA), caller);
        const context = `${operation.name} as ${caller}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;

        expect(response.status, context).toBeLessThan(500);
        if (granted) {
          expect([401, 403, 404], context).not.toContain(response.status);
        } else {
          expect([403, 404], context).toContain(response.status);
          expect(response.headers.get('content-type'), context).toBe('application/problem+json');
        }
      }
    }
  });

  it('hides other libraries as unknown ids', async () => {
    const applicationRoutes = operations.filter((operation) => operation.path.startsWith('/api/applications/{id}'));
    const unknown: Ids = { ...idsA, id: randomUUID(), evidenceId: randomUUID(), commentId: randomUUID(), renderId: randomUUID() };

    for (const operation of applicationRoutes) {
      for (const caller of ['staffB', 'otherMentor'] as const) {
        const other = await send(operation, idsA, caller);
        const missing = await send(operation, unknown, caller);
        const context = `${operation.name} as ${caller}`;

        expect(other.status, context).toBe(missing.status);
        expect(other.body.code, context).toBe(missing.body.code);
      }
    }
  });

  it('treats ids of another application as unknown', async () => {
    // Library A's application with library B's evidence, comment or render: the response must not tell B's rows from missing ones.
    const mixed: Ids = { ...idsA, evidenceId: idsB.evidenceId, commentId: idsB.commentId, renderId: idsB.renderId };
    const unknown: Ids = { ...idsA, evidenceId: randomUUID(), commentId: randomUUID(), renderId: randomUUID() };
    const childRoutes = operations.filter((operation) => /\{(evidenceId|commentId|renderId)\}/.test(operation.path));
    expect(childRoutes.length).toBeGreaterThanOrEqual(8);

    for (const operation of childRoutes) {
      for (const caller of ['staffA', 'mentor', 'quality'] as const) {
        const other = await send(operation, mixed, caller);
        const missing = await send(operation, unknown, caller);
        const context = `${operation.name} as ${caller}: ${other.status} ${JSON.stringify(other.body).slice(0, 200)}`;

        expect(other.status, context).toBe(missing.status);
        expect(other.status, context).toBeGreaterThanOrEqual(400);
        expect(other.body.code, context).toBe(missing.body.code);
      }
    }
  });

  it('keeps notifications to their owner', async () => {
    const route = operations.find((operation) => operation.name === 'PATCH /api/me/notifications/{notificationId}')!;

    for (const caller of CALLERS.filter((name) => name !== 'otherMentor')) {
      const response = await send(route, idsB, caller);
      expect(response.status, caller).toBe(404);
    }
    const own = await send(route, idsB, 'otherMentor');
    expect(own.status).toBe(200);
  });

  it('leaves the other library untouched', async () => {
    const evidence = await app.call('GET', `/api/applications/${idsB.id}/evidence/${idsB.evidenceId}/history`, people.staffB.token);
    const comments = await app.call('GET', `/api/applications/${idsB.id}/review/comments`, people.staffB.token);
    const renders = await app.call('GET', `/api/applications/${idsB.id}/portfolio`, people.staffB.token);

    expect(evidence.body.items).toHaveLength(1);
    expect(comments.body.items.map((comment: { resolvedAt: string | null }) => comment.resolvedAt)).toEqual([null]);
    expect(renders.body.items.map((render: { id: string }) => render.id)).toEqual([idsB.renderId]);
  });
});
