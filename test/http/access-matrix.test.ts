import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApplicationSchema } from '../../src/applications/application.entity.ts';
import { revokeTokens } from '../../src/people/tokens.ts';
import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { buildMultipart, type Part } from '../support/multipart.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const CALLERS = ['staffA', 'staffB', 'mentor', 'otherMentor', 'quality', 'admin', 'noToken', 'revoked'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** One route called by every caller. `url` and `body` are functions, so they run after the fixtures exist. */
type RouteCase = {
  name: string;
  method: string;
  url: () => string | Promise<string>;
  body?: () => unknown;
  expected: Expected;
};

let app: TestApp;
let libraryA: string;
let libraryB: string;
let people: Record<Exclude<Caller, 'noToken'>, TestPerson>;
// A's application in peerReview.inReview with `mentor` assigned, so evidence is frozen.
let inReview: string;
let inReviewEvidence: string;
// A's application in gatheringEvidence with no mentor, so evidence can change.
let gathering: string;
let gatheringEvidence: string;
let applicationOfB: string;
let uniqueCounter = 0;

function tokenOf(caller: Caller): string | null {
  return caller === 'noToken' ? null : people[caller].token;
}

function eventsUrl(applicationId: string): string {
  return `/api/applications/${applicationId}/events`;
}

async function send(applicationId: string, token: string, event: Record<string, unknown>): Promise<void> {
  const response = await app.call('POST', eventsUrl(applicationId), token, event);
  if (response.status !== 200) throw new Error(`${String(event.type)} failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/** Creates an application of library A and walks it to gatheringEvidence. */
async function gatheringApplication(): Promise<string> {
  const created = await app.call('POST', '/api/applications', people.staffA.token, { libraryId: libraryA, standardId: 'cse', cycle: 'initial' });
  if (created.status !== 201) throw new Error(`creating an application failed: ${created.status} ${JSON.stringify(created.body)}`);
  await send(created.body.id, people.staffA.token, { type: 'start' });
  return created.body.id;
}

/** Creates an application of library A, completes its evidence and has the quality group assign `mentor`. */
async function inReviewApplication(): Promise<string> {
  const id = await gatheringApplication();
  await completeEvidence(app.call, id, people.staffA.token, elementCodes(app));
  await send(id, people.staffA.token, { type: 'review.request' });
  await send(id, people.quality.token, { type: 'mentor.assign', mentorId: people.mentor.id });
  return id;
}

async function addEvidence(applicationId: string): Promise<string> {
  const created = await app.call('POST', `/api/applications/${applicationId}/evidence`, people.staffA.token, {
    kind: 'note',
    title: 'Complaints log summary',
    body: 'Complaints received and resolved in the year.',
    elements: [{ code: '1.1.1' }],
  });
  if (created.status !== 201) throw new Error(`adding evidence failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

beforeAll(async () => {
  app = await createTestApp();
  libraryA = await app.library('Ashworth Public Library');
  libraryB = await app.library('Brookfield County Library');
  const libraryC = await app.library('Calder Valley Library');

  people = {
    staffA: await app.person(['library_staff'], libraryA),
    staffB: await app.person(['library_staff'], libraryB),
    mentor: await app.person(['mentor'], libraryC),
    otherMentor: await app.person(['mentor'], libraryC),
    quality: await app.person(['quality_group']),
    admin: await app.person(['admin']),
    revoked: await app.person(['library_staff'], libraryA),
  };
  await revokeTokens(app.db.em.fork(), people.revoked.id);

  inReview = await inReviewApplication();
  const evidence = await app.call('GET', `/api/applications/${inReview}/evidence`, people.staffA.token);
  inReviewEvidence = evidence.body.items[0].id;

  gathering = await gatheringApplication();
  gatheringEvidence = await addEvidence(gathering);

  const ofB = await app.call('POST', '/api/applications', people.staffB.token, { libraryId: libraryB, standardId: 'cse', cycle: 'initial' });
  applicationOfB = ofB.body.id;
});

afterAll(async () => {
  await app?.dispose();
});

// Expectations shared by routes whose access depends on the role alone.
const ANY_TOKEN: Expected = { staffA: 200, staffB: 200, mentor: 200, otherMentor: 200, quality: 200, admin: 200, noToken: 401, revoked: 401 };
const ADMIN_ONLY: Expected = { staffA: 403, staffB: 403, mentor: 403, otherMentor: 403, quality: 403, admin: 201, noToken: 401, revoked: 401 };
// Reads of A's in-review application: its staff, its assigned mentor and the quality group.
const READ_IN_REVIEW: Expected = { staffA: 200, staffB: 404, mentor: 200, otherMentor: 404, quality: 200, admin: 403, noToken: 401, revoked: 401 };
// Reads of A's gathering application, to which no mentor is assigned.
const READ_GATHERING: Expected = { staffA: 200, staffB: 404, mentor: 404, otherMentor: 404, quality: 200, admin: 403, noToken: 401, revoked: 401 };
// Only library staff write evidence, so other roles get 403 before the application is looked up.
function writeExpected(staffA: number): Expected {
  return { staffA, staffB: 404, mentor: 403, otherMentor: 403, quality: 403, admin: 403, noToken: 401, revoked: 401 };
}

const evidenceNote = () => ({ kind: 'note', title: 'Staff training record', body: 'Customer care training for all front-line staff.', elements: [{ code: '1.1.1' }] });
const selfRating = () => ({ rating: 'compliance', statement: 'We meet this element.' });

const ROUTES: RouteCase[] = [
  { name: 'GET /api/standards', method: 'GET', url: () => '/api/standards', expected: ANY_TOKEN },
  { name: 'GET /api/standards/cse', method: 'GET', url: () => '/api/standards/cse', expected: ANY_TOKEN },
  {
    name: 'POST /api/libraries',
    method: 'POST',
    url: () => '/api/libraries',
    body: () => ({ name: `Matrix Library ${++uniqueCounter}` }),
    expected: ADMIN_ONLY,
  },
  { name: 'GET /api/libraries', method: 'GET', url: () => '/api/libraries', expected: ANY_TOKEN },
  {
    name: 'POST /api/people',
    method: 'POST',
    url: () => '/api/people',
    body: () => ({ email: `matrix${++uniqueCounter}@example.ac.uk`, name: 'Matrix Person', role: 'quality_group' }),
    expected: ADMIN_ONLY,
  },
  {
    name: 'GET /api/people',
    method: 'GET',
    url: () => '/api/people',
    expected: { staffA: 403, staffB: 403, mentor: 403, otherMentor: 403, quality: 200, admin: 200, noToken: 401, revoked: 401 },
  },
  { name: 'POST /api/people/:id/tokens', method: 'POST', url: () => `/api/people/${people.staffB.id}/tokens`, expected: ADMIN_ONLY },
  {
    // Staff of B name library A, which is not theirs: 403.
    name: 'POST /api/applications for A',
    method: 'POST',
    url: () => '/api/applications',
    body: () => ({ libraryId: libraryA, standardId: 'cse', cycle: 'initial' }),
    expected: { staffA: 201, staffB: 403, mentor: 403, otherMentor: 403, quality: 201, admin: 403, noToken: 401, revoked: 401 },
  },
  {
    name: 'GET /api/applications',
    method: 'GET',
    url: () => '/api/applications',
    expected: { staffA: 200, staffB: 200, mentor: 200, otherMentor: 200, quality: 200, admin: 403, noToken: 401, revoked: 401 },
  },
  { name: 'GET /api/applications/:id in review', method: 'GET', url: () => `/api/applications/${inReview}`, expected: READ_IN_REVIEW },
  { name: 'GET /api/applications/:id gathering', method: 'GET', url: () => `/api/applications/${gathering}`, expected: READ_GATHERING },
  {
    // A fresh in-review application per call, because withdraw ends it. The mentor can read it but may not withdraw it, so 403.
    name: 'POST /api/applications/:id/events withdraw',
    method: 'POST',
    url: async () => eventsUrl(await inReviewApplication()),
    body: () => ({ type: 'withdraw', reason: 'The library is merging with another service.' }),
    expected: { staffA: 200, staffB: 404, mentor: 403, otherMentor: 404, quality: 200, admin: 403, noToken: 401, revoked: 401 },
  },
  { name: 'GET /api/applications/:id/history in review', method: 'GET', url: () => `/api/applications/${inReview}/history`, expected: READ_IN_REVIEW },
  { name: 'GET /api/applications/:id/history gathering', method: 'GET', url: () => `/api/applications/${gathering}/history`, expected: READ_GATHERING },
  { name: 'POST evidence gathering', method: 'POST', url: () => `/api/applications/${gathering}/evidence`, body: evidenceNote, expected: writeExpected(201) },
  // Evidence is frozen in peerReview, so the staff of A get 409 once access is granted.
  { name: 'POST evidence in review', method: 'POST', url: () => `/api/applications/${inReview}/evidence`, body: evidenceNote, expected: writeExpected(409) },
  { name: 'GET evidence in review', method: 'GET', url: () => `/api/applications/${inReview}/evidence`, expected: READ_IN_REVIEW },
  { name: 'GET evidence gathering', method: 'GET', url: () => `/api/applications/${gathering}/evidence`, expected: READ_GATHERING },
  {
    name: 'PATCH evidence gathering',
    method: 'PATCH',
    url: () => `/api/applications/${gathering}/evidence/${gatheringEvidence}`,
    body: () => ({ title: 'Complaints log summary, revised' }),
    expected: writeExpected(200),
  },
  {
    name: 'PATCH evidence in review',
    method: 'PATCH',
    url: () => `/api/applications/${inReview}/evidence/${inReviewEvidence}`,
    body: () => ({ title: 'Customer insight pack, revised' }),
    expected: writeExpected(409),
  },
  {
    // A fresh item per call, because the staff of A delete it.
    name: 'DELETE evidence gathering',
    method: 'DELETE',
    url: async () => `/api/applications/${gathering}/evidence/${await addEvidence(gathering)}`,
    expected: writeExpected(204),
  },
  { name: 'DELETE evidence in review', method: 'DELETE', url: () => `/api/applications/${inReview}/evidence/${inReviewEvidence}`, expected: writeExpected(409) },
  { name: 'PUT self-assessment gathering', method: 'PUT', url: () => `/api/applications/${gathering}/self-assessment/1.1.1`, body: selfRating, expected: writeExpected(200) },
  { name: 'PUT self-assessment in review', method: 'PUT', url: () => `/api/applications/${inReview}/self-assessment/1.1.1`, body: selfRating, expected: writeExpected(409) },
  { name: 'GET self-assessment in review', method: 'GET', url: () => `/api/applications/${inReview}/self-assessment`, expected: READ_IN_REVIEW },
  { name: 'GET self-assessment gathering', method: 'GET', url: () => `/api/applications/${gathering}/self-assessment`, expected: READ_GATHERING },
  { name: 'GET evidence item in review', method: 'GET', url: () => `/api/applications/${inReview}/evidence/${inReviewEvidence}`, expected: READ_IN_REVIEW },
  { name: 'GET evidence item history', method: 'GET', url: () => `/api/applications/${inReview}/evidence/${inReviewEvidence}/history`, expected: READ_IN_REVIEW },
  { name: 'GET coverage in review', method: 'GET', url: () => `/api/applications/${inReview}/coverage`, expected: READ_IN_REVIEW },
  { name: 'GET coverage gathering', method: 'GET', url: () => `/api/applications/${gathering}/coverage`, expected: READ_GATHERING },
  { name: 'GET submissions in review', method: 'GET', url: () => `/api/applications/${inReview}/submissions`, expected: READ_IN_REVIEW },
  { name: 'GET matrix CSV in review', method: 'GET', url: () => `/api/applications/${inReview}/evidence-matrix.csv`, expected: READ_IN_REVIEW },
  { name: 'GET matrix XLSX gathering', method: 'GET', url: () => `/api/applications/${gathering}/evidence-matrix.xlsx`, expected: READ_GATHERING },
];

const MATRIX = ROUTES.flatMap((route) => CALLERS.map((caller) => [route.name, caller, route.expected[caller], route] as const));

describe('access matrix', () => {
  it.each(MATRIX)('%s as %s: %i', async (_name, caller, expected, route) => {
    const response = await app.call(route.method, await route.url(), tokenOf(caller), route.body?.());

    expect(response.status).toBe(expected);
    if (expected >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.status).toBe(expected);
    }
    // Every 409 in the table is a write to the in-review application.
    if (expected === 409) {
      expect(response.body.code).toBe('evidence_frozen');
    }
  });
});

describe('application list', () => {
  type Summary = { id: string; libraryId: string; mentorId: string | null };

  async function list(caller: Caller, query = ''): Promise<{ items: Summary[]; total: number }> {
    const response = await app.call('GET', `/api/applications?limit=500${query}`, tokenOf(caller));
    expect(response.status).toBe(200);
    return response.body;
  }

  it('staff see own library only', async () => {
    const { items, total } = await list('staffA');
    const ids = items.map((item) => item.id);

    expect(items.every((item) => item.libraryId === libraryA)).toBe(true);
    expect(ids).toContain(inReview);
    expect(ids).toContain(gathering);
    expect(ids).not.toContain(applicationOfB);
    expect(total).toBe(items.length);
  });

  it('staff total matches library filter', async () => {
    const own = await list('staffA');
    const filtered = await list('quality', `&libraryId=${libraryA}`);

    expect(own.total).toBe(filtered.total);
  });

  it('other library staff see theirs', async () => {
    const { items } = await list('staffB');

    expect(items.map((item) => item.id)).toEqual([applicationOfB]);
  });

  it('mentor sees assigned only', async () => {
    const { items, total } = await list('mentor');
    const ids = items.map((item) => item.id);

    expect(items.every((item) => item.mentorId === people.mentor.id)).toBe(true);
    expect(ids).toContain(inReview);
    expect(ids).not.toContain(gathering);
    expect(ids).not.toContain(applicationOfB);
    expect(total).toBe(items.length);
  });

  it('unassigned mentor sees none', async () => {
    const body = await list('otherMentor');

    expect(body).toEqual({ items: [], total: 0 });
  });

  it('quality group sees all', async () => {
    const { items, total } = await list('quality');
    const ids = items.map((item) => item.id);
    const stored = await app.db.em.fork().count(ApplicationSchema, {});

    expect(ids).toContain(inReview);
    expect(ids).toContain(gathering);
    expect(ids).toContain(applicationOfB);
    expect(total).toBe(stored);
    expect(items).toHaveLength(stored);
  });
});

describe('application creation', () => {
  it('staff for another library: 403', async () => {
    const response = await app.call('POST', '/api/applications', people.staffA.token, { libraryId: libraryB, standardId: 'cse', cycle: 'initial' });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.detail).toContain(libraryB);
  });

  it('quality group for any library: 201', async () => {
    const response = await app.call('POST', '/api/applications', people.quality.token, { libraryId: libraryB, standardId: 'cse', cycle: 'reassessment' });

    expect(response.status).toBe(201);
    expect(response.body.libraryId).toBe(libraryB);
  });
});

describe('event senders', () => {
  // Every payload passes the schema, so only the sender decides. The sender is checked before the state,
  // so one in-review application serves every case.
  const EVENTS: Record<string, Record<string, unknown>> = {
    start: { type: 'start' },
    'review.request': { type: 'review.request' },
    'mentor.assign': { type: 'mentor.assign', mentorId: '00000000-0000-4000-8000-000000000001' },
    'mentor.release': { type: 'mentor.release', reason: 'Mentor is on leave.' },
    'review.requestChanges': { type: 'review.requestChanges', comment: 'Add the 2025 survey results.' },
    'review.approve': { type: 'review.approve' },
    submit: { type: 'submit' },
    'outcome.record': { type: 'outcome.record', ratings: { '1.1.1': 'compliance' }, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' },
    reopen: { type: 'reopen' },
    withdraw: { type: 'withdraw', reason: 'Testing a refused sender.' },
  };
  const WRONG_SENDERS: [string, Caller][] = [
    ['start', 'mentor'],
    ['start', 'quality'],
    ['review.request', 'mentor'],
    ['review.request', 'quality'],
    ['mentor.assign', 'staffA'],
    ['mentor.assign', 'mentor'],
    ['mentor.release', 'staffA'],
    ['mentor.release', 'mentor'],
    ['review.requestChanges', 'staffA'],
    ['review.requestChanges', 'quality'],
    ['review.approve', 'staffA'],
    ['review.approve', 'quality'],
    ['submit', 'mentor'],
    ['submit', 'quality'],
    ['outcome.record', 'staffA'],
    ['outcome.record', 'mentor'],
    ['reopen', 'mentor'],
    ['reopen', 'quality'],
    ['withdraw', 'mentor'],
  ];

  let target: string;
  let historyBefore: number;

  beforeAll(async () => {
    target = await inReviewApplication();
    historyBefore = (await app.call('GET', `/api/applications/${target}/history`, people.quality.token)).body.total;
  });

  it.each(WRONG_SENDERS)('%s by %s: 403', async (type, caller) => {
    const response = await app.call('POST', eventsUrl(target), tokenOf(caller), EVENTS[type]);

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.detail).toContain(type);
  });

  it('refusals change nothing', async () => {
    const application = await app.call('GET', `/api/applications/${target}`, people.quality.token);
    const history = await app.call('GET', `/api/applications/${target}/history`, people.quality.token);

    expect(application.body.state).toBe('peerReview.inReview');
    expect(application.body.mentorId).toBe(people.mentor.id);
    expect(history.body.total).toBe(historyBefore);
  });

  it('released mentor loses access', async () => {
    const id = await inReviewApplication();
    await send(id, people.quality.token, { type: 'mentor.release', reason: 'Mentor is on leave.' });

    const read = await app.call('GET', `/api/applications/${id}`, people.mentor.token);
    const listed = await app.call('GET', '/api/applications?limit=500', people.mentor.token);

    expect(read.status).toBe(404);
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
  });
});

describe('multipart route access', () => {
  const pdf = () => new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const matrixCsv = 'Element,Title\r\n1.1.1,Customer profile\r\n';
  const WRITERS: [Caller, number][] = [
    ['staffA', 0],
    ['staffB', 404],
    ['mentor', 403],
    ['otherMentor', 403],
    ['quality', 403],
    ['admin', 403],
    ['noToken', 401],
    ['revoked', 401],
  ];

  it.each(WRITERS)('upload as %s', async (caller, status) => {
    const token = tokenOf(caller);
    const response = await app.raw('POST', `/api/applications/${gathering}/evidence`, token, ...uploadBody([{ name: 'file', fileName: 'plan.pdf', body: pdf() }]));
    expect(response.status).toBe(status === 0 ? 201 : status);
  });

  it.each(WRITERS)('matrix import as %s', async (caller, status) => {
    const response = await app.raw('POST', `/api/applications/${gathering}/evidence-matrix?dryRun=true`, tokenOf(caller), ...uploadBody([{ name: 'file', fileName: 'matrix.csv', body: matrixCsv }]));
    expect(response.status).toBe(status === 0 ? 200 : status);
  });

  it.each(WRITERS)('file replacement as %s', async (caller, status) => {
    const [item] = (await app.upload(`/api/applications/${gathering}/evidence`, people.staffA.token, [{ name: 'file', fileName: 'old.pdf', body: pdf() }])).body;
    const response = await app.raw('PUT', `/api/applications/${gathering}/evidence/${item.id}/file`, tokenOf(caller), ...uploadBody([{ name: 'file', fileName: 'new.txt', body: 'Replacement text' }]));
    expect(response.status).toBe(status === 0 ? 200 : status);
  });
});

function uploadBody(parts: Part[]): [Uint8Array, Record<string, string>] {
  const { body, contentType } = buildMultipart(parts);
  return [body, { 'content-type': contentType }];
}
