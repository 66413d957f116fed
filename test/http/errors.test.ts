import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

type Response = { status: number; body: any; headers: Headers };

/** Checks the parts every error shares: the problem media type, and a body whose `status` is the HTTP status. */
function expectProblem(response: Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body.status).toBe(status);
  expect(typeof response.body.title).toBe('string');
  expect(typeof response.body.detail).toBe('string');
  expect(response.body.detail.length).toBeGreaterThan(0);
}

function eventsUrl(applicationId: string): string {
  return `/api/applications/${applicationId}/events`;
}

describe('HTTP errors', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let ownLibraryMentor: TestPerson;
  let quality: TestPerson;
  let draft: string;
  let awaitingMentor: string;
  let inReview: string;
  let submitted: string;
  let codes: string[];

  async function send(applicationId: string, token: string, event: Record<string, unknown>): Promise<void> {
    const response = await app.call('POST', eventsUrl(applicationId), token, event);
    if (response.status !== 200) throw new Error(`${String(event.type)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async function createDraft(): Promise<string> {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
    if (created.status !== 201) throw new Error(`creating an application failed: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.id;
  }

  /** Creates an application with complete evidence in peerReview.awaitingMentor. */
  async function createAwaitingMentor(): Promise<string> {
    const id = await createDraft();
    await send(id, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, codes);
    await send(id, staff.token, { type: 'review.request' });
    return id;
  }

  beforeAll(async () => {
    app = await createTestApp();
    codes = elementCodes(app);
    const applicant = await app.library('Hartfield Central Library');
    const mentoring = await app.library('Kingsmere College Library');
    staff = await app.person(['library_staff'], applicant);
    mentor = await app.person(['mentor'], mentoring);
    ownLibraryMentor = await app.person(['mentor'], applicant);
    quality = await app.person(['quality_group']);

    draft = await createDraft();
    awaitingMentor = await createAwaitingMentor();

    inReview = await createAwaitingMentor();
    await send(inReview, quality.token, { type: 'mentor.assign', mentorId: mentor.id });

    submitted = await createAwaitingMentor();
    await send(submitted, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, submitted, mentor.token, codes);
    await send(submitted, mentor.token, { type: 'review.approve' });
    await send(submitted, staff.token, { type: 'submit' });
  });

  afterAll(async () => {
    await app?.dispose();
  });

  describe('request body', () => {
    it('malformed JSON: 400', async () => {
      const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, '{"kind": "note", "title": ');

      expectProblem(response, 400);
      expect(response.body.code).toBe('malformed_body');
    });

    it('text/plain body: 415', async () => {
      const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, 'kind=note', { 'content-type': 'text/plain' });

      expectProblem(response, 415);
      expect(response.body.detail).toContain('text/plain');
    });

    it('unknown key: 422 naming it', async () => {
      const response = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial', colour: 'blue' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('"colour"');
    });

    it('unknown key in event: 422', async () => {
      const response = await app.call('POST', eventsUrl(draft), staff.token, { type: 'start', force: true });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('"force"');
    });

    it('unknown event type: 422', async () => {
      const response = await app.call('POST', eventsUrl(draft), staff.token, { type: 'approve' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('type');
    });
  });

  describe('evidence input', () => {
    it('unknown element code: 422', async () => {
      const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, {
        kind: 'note',
        title: 'Opening hours review',
        body: 'Survey of opening hours.',
        elements: [{ code: '9.9.9' }],
      });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('9.9.9');
    });

    it('unknown code in PATCH: 422', async () => {
      const created = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'note', title: 'Signage audit', body: 'Audit of signage.' });
      const response = await app.call('PATCH', `/api/applications/${draft}/evidence/${created.body.id}`, staff.token, { elements: [{ code: '0.0.0' }] });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('0.0.0');
    });

    it.each(['javascript:alert(1)', 'ftp://files.example.org/report.pdf'])('link %s: 422', async (url) => {
      const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'link', title: 'Annual report', url });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('url');
    });

    it('note without body: 422', async () => {
      const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'note', title: 'Empty note' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('body');
    });

    it('self-assessment unknown code: 422', async () => {
      const response = await app.call('PUT', `/api/applications/${draft}/self-assessment/9.9.9`, staff.token, { rating: 'compliance' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('9.9.9');
    });

    it('self-assessment unknown rating: 422', async () => {
      const response = await app.call('PUT', `/api/applications/${draft}/self-assessment/1.1.1`, staff.token, { rating: 'excellent' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('excellent');
    });
  });

  describe('list paging', () => {
    const LISTS: [string, 'staff' | 'quality'][] = [
      ['/api/standards', 'staff'],
      ['/api/libraries', 'staff'],
      ['/api/people', 'quality'],
      ['/api/applications', 'staff'],
      ['/api/applications/{draft}/history', 'staff'],
      ['/api/applications/{draft}/evidence', 'staff'],
      ['/api/applications/{draft}/self-assessment', 'staff'],
    ];
    const tokenFor = (caller: 'staff' | 'quality') => (caller === 'staff' ? staff.token : quality.token);

    it.each(LISTS)('%s limit=501: 422', async (path, caller) => {
      const response = await app.call('GET', `${path.replace('{draft}', draft)}?limit=501`, tokenFor(caller));

      expectProblem(response, 422);
      expect(response.body.detail).toContain('limit');
    });

    it.each(LISTS)('%s limit=500: 200', async (path, caller) => {
      const response = await app.call('GET', `${path.replace('{draft}', draft)}?limit=500`, tokenFor(caller));

      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.items)).toBe(true);
      expect(typeof response.body.total).toBe('number');
    });

    it.each(LISTS)('%s offset=-1: 422', async (path, caller) => {
      const response = await app.call('GET', `${path.replace('{draft}', draft)}?offset=-1`, tokenFor(caller));

      expectProblem(response, 422);
      expect(response.body.detail).toContain('offset');
    });
  });

  describe('not found', () => {
    it('unknown route: 404', async () => {
      const response = await app.call('GET', '/no-such-page', null);

      expectProblem(response, 404);
      expect(response.body.detail).toContain('/no-such-page');
    });

    it('unknown /api route: 404', async () => {
      const response = await app.call('GET', '/api/no-such-thing', staff.token);

      expectProblem(response, 404);
    });

    it('unknown docs asset: 404', async () => {
      const response = await app.call('GET', '/docs/assets/unknown.js', null);

      expectProblem(response, 404);
    });

    it('non-UUID application id: 404', async () => {
      const response = await app.call('GET', '/api/applications/not-a-uuid', staff.token);

      expectProblem(response, 404);
      expect(response.body.detail).toContain('not-a-uuid');
    });

    it('non-UUID id on events: 404', async () => {
      const response = await app.call('POST', '/api/applications/123/events', staff.token, { type: 'start' });

      expectProblem(response, 404);
    });

    it('non-UUID evidence id: 404', async () => {
      const response = await app.call('PATCH', `/api/applications/${draft}/evidence/not-a-uuid`, staff.token, { title: 'Renamed' });

      expectProblem(response, 404);
    });
  });

  describe('frozen evidence', () => {
    let evidenceBefore: unknown;
    let ratingsBefore: unknown;
    let evidenceId: string;

    beforeAll(async () => {
      const evidence = await app.call('GET', `/api/applications/${awaitingMentor}/evidence`, staff.token);
      evidenceBefore = evidence.body;
      evidenceId = evidence.body.items[0].id;
      ratingsBefore = (await app.call('GET', `/api/applications/${awaitingMentor}/self-assessment?limit=500`, staff.token)).body;
    });

    it('state is awaitingMentor', async () => {
      const application = await app.call('GET', `/api/applications/${awaitingMentor}`, staff.token);

      expect(application.body.state).toBe('peerReview.awaitingMentor');
    });

    it.each([
      ['POST', '', { kind: 'note', title: 'Late addition', body: 'Added after review was requested.', elements: [{ code: '1.1.1' }] }],
      ['PATCH', '/{evidence}', { title: 'Renamed after review was requested' }],
      ['DELETE', '/{evidence}', undefined],
    ] as const)('%s evidence: 409', async (method, suffix, body) => {
      const url = `/api/applications/${awaitingMentor}/evidence${suffix.replace('{evidence}', evidenceId)}`;
      const response = await app.call(method, url, staff.token, body);

      expectProblem(response, 409);
      expect(response.body.code).toBe('evidence_frozen');
      expect(response.body.detail).toContain('peerReview.awaitingMentor');
    });

    it('PUT self-assessment: 409', async () => {
      const response = await app.call('PUT', `/api/applications/${awaitingMentor}/self-assessment/1.1.1`, staff.token, { rating: 'non_compliance', statement: 'Changed.' });

      expectProblem(response, 409);
      expect(response.body.code).toBe('evidence_frozen');
    });

    it('evidence unchanged', async () => {
      const evidence = await app.call('GET', `/api/applications/${awaitingMentor}/evidence`, staff.token);

      expect(evidence.body).toEqual(evidenceBefore);
    });

    it('self-ratings unchanged', async () => {
      const ratings = await app.call('GET', `/api/applications/${awaitingMentor}/self-assessment?limit=500`, staff.token);

      expect(ratings.body).toEqual(ratingsBefore);
    });
  });

  describe('lifecycle refusals', () => {
    it('event not allowed in state: 409', async () => {
      const response = await app.call('POST', eventsUrl(draft), staff.token, { type: 'submit' });

      expectProblem(response, 409);
      expect(response.body.code).toBe('event_not_allowed');
      expect(response.body.detail).toContain('draft');
      expect(response.body.state).toBe('draft');
      expect(response.body.allowedEvents).toEqual(['start', 'withdraw']);
    });

    it('mentor from applying library: 409', async () => {
      const response = await app.call('POST', eventsUrl(awaitingMentor), quality.token, { type: 'mentor.assign', mentorId: ownLibraryMentor.id });

      expectProblem(response, 409);
      expect(response.body.code).toBe('guard_refused');
      expect(response.body.detail).toContain('works for the applying library');
    });

    it('assignee not a mentor: 422', async () => {
      const response = await app.call('POST', eventsUrl(awaitingMentor), quality.token, { type: 'mentor.assign', mentorId: staff.id });

      expectProblem(response, 422);
      expect(response.body.detail).toContain(staff.id);
    });

    it('unknown mentorId: 422', async () => {
      const response = await app.call('POST', eventsUrl(awaitingMentor), quality.token, { type: 'mentor.assign', mentorId: '00000000-0000-4000-8000-000000000000' });

      expectProblem(response, 422);
    });

    it('refused assignments change nothing', async () => {
      const application = await app.call('GET', `/api/applications/${awaitingMentor}`, quality.token);

      expect(application.body.state).toBe('peerReview.awaitingMentor');
      expect(application.body.mentorId).toBeNull();
    });

    it('blank change request: 409', async () => {
      const response = await app.call('POST', eventsUrl(inReview), mentor.token, { type: 'review.requestChanges', comment: '   ' });

      expectProblem(response, 409);
      expect(response.body.code).toBe('guard_refused');
      expect(response.body.detail).toContain('comment');
    });

    it('outcome missing ratings: 409', async () => {
      const ratings = Object.fromEntries(codes.slice(2).map((code) => [code, 'compliance']));
      const response = await app.call('POST', eventsUrl(submitted), quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });

      expectProblem(response, 409);
      expect(response.body.code).toBe('guard_refused');
      expect(response.body.detail).toContain(codes[0]);
      expect(response.body.detail).toContain(codes[1]);
    });

    it('outcome unknown code: 422', async () => {
      const ratings = Object.fromEntries([...codes, '9.9.9'].map((code) => [code, 'compliance']));
      const response = await app.call('POST', eventsUrl(submitted), quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('9.9.9');
    });

    it('outcome unknown rating: 422', async () => {
      const ratings = Object.fromEntries(codes.map((code) => [code, 'outstanding']));
      const response = await app.call('POST', eventsUrl(submitted), quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('outstanding');
    });

    it('outcome impossible date: 422', async () => {
      const ratings = Object.fromEntries(codes.map((code) => [code, 'compliance']));
      const response = await app.call('POST', eventsUrl(submitted), quality.token, { type: 'outcome.record', ratings, reportDate: '2026-02-30', certificationBody: 'Example Certification Ltd' });

      expectProblem(response, 422);
      expect(response.body.detail).toContain('reportDate');
    });

    it('refused outcomes change nothing', async () => {
      const application = await app.call('GET', `/api/applications/${submitted}`, quality.token);

      expect(application.body.state).toBe('submitted');
    });
  });

  describe('unstorable text', () => {
    it.each([
      ['POST', 'evidence', { kind: 'note', title: 'a\u0000b', body: 'x' }],
      ['PUT', 'self-assessment/1.1.1', { rating: 'compliance', statement: 'a\u0000' }],
    ])('%s %s with NUL: 422', async (method, path, body) => {
      const response = await app.call(method, `/api/applications/${draft}/${path}`, staff.token, body);

      expectProblem(response, 422);
      expect(response.body.detail).toContain('NUL');
    });

    it('NUL leaves the evidence list unchanged', async () => {
      const before = await app.call('GET', `/api/applications/${draft}/evidence`, staff.token);
      await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'note', title: 'x', body: 'a\u0000b' });
      const after = await app.call('GET', `/api/applications/${draft}/evidence`, staff.token);

      expect(after.body.total).toBe(before.body.total);
    });
  });

  describe('problem headers', () => {
    it('404 carries the request id', async () => {
      const response = await app.call('GET', '/api/applications/not-an-id', staff.token, undefined, { 'x-request-id': 'trace-404' });

      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toBe('trace-404');
    });

    it('401 names the bearer scheme', async () => {
      const response = await app.call('GET', '/api/libraries', null);

      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  });

  describe('frozen evidence order', () => {
    it('missing item on PATCH: 404', async () => {
      const response = await app.call('PATCH', `/api/applications/${awaitingMentor}/evidence/00000000-0000-4000-8000-000000000000`, staff.token, { title: 'New' });

      expectProblem(response, 404);
    });

    it('missing item on DELETE: 404', async () => {
      const response = await app.call('DELETE', `/api/applications/${awaitingMentor}/evidence/00000000-0000-4000-8000-000000000000`, staff.token);

      expectProblem(response, 404);
    });

    it('invalid patch before frozen: 422', async () => {
      const listed = await app.call('GET', `/api/applications/${awaitingMentor}/evidence`, staff.token);
      const note = listed.body.items.find((item: { kind: string }) => item.kind === 'note');
      const response = await app.call('PATCH', `/api/applications/${awaitingMentor}/evidence/${note.id}`, staff.token, { body: null });

      expectProblem(response, 422);
    });
  });

  describe('refusal allowed events', () => {
    it('lists only the caller\'s events', async () => {
      const response = await app.call('POST', eventsUrl(awaitingMentor), staff.token, { type: 'submit' });

      expectProblem(response, 409);
      expect(response.body.allowedEvents).toEqual(['withdraw']);
    });
  });

  describe('API reference', () => {
    const ROUTES: [string, string][] = [
      ['/api/standards', 'get'],
      ['/api/standards/{id}', 'get'],
      ['/api/libraries', 'post'],
      ['/api/libraries', 'get'],
      ['/api/people', 'post'],
      ['/api/people', 'get'],
      ['/api/people/{id}/tokens', 'post'],
      ['/api/applications', 'post'],
      ['/api/applications', 'get'],
      ['/api/applications/{id}', 'get'],
      ['/api/applications/{id}/events', 'post'],
      ['/api/applications/{id}/history', 'get'],
      ['/api/applications/{id}/evidence', 'post'],
      ['/api/applications/{id}/evidence', 'get'],
      ['/api/applications/{id}/evidence/{evidenceId}', 'patch'],
      ['/api/applications/{id}/evidence/{evidenceId}', 'delete'],
      ['/api/applications/{id}/self-assessment/{code}', 'put'],
      ['/api/applications/{id}/self-assessment', 'get'],
    ];

    it('openapi.json is OpenAPI 3.1', async () => {
      const response = await app.call('GET', '/openapi.json', null);

      expect(response.status).toBe(200);
      expect(response.body.openapi).toBe('3.1.0');
    });

    it.each(ROUTES)('openapi.json lists %s %s', async (path, method) => {
      const response = await app.call('GET', '/openapi.json', null);

      expect(response.body.paths[path]?.[method]).toBeDefined();
    });

    it('docs page is HTML', async () => {
      const response = await app.call('GET', '/docs', null);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it('docs page names no other host', async () => {
      const response = await app.call('GET', '/docs', null);
      const page = response.body as string;

      expect(page.match(/https?:\/\/[^\s"'<>]+/gi) ?? []).toEqual([]);
      expect(page.match(/(?:src|href)="\/\/[^"]*"/gi) ?? []).toEqual([]);
    });

    it('docs page links its assets', async () => {
      const response = await app.call('GET', '/docs', null);
      const page = response.body as string;

      expect(page).toContain('/docs/assets/swagger-ui.css');
      expect(page).toContain('/docs/assets/swagger-ui-bundle.js');
    });

    it.each([
      ['/docs/assets/swagger-ui.css', 'text/css'],
      ['/docs/assets/swagger-ui-bundle.js', 'text/javascript'],
      ['/docs/assets/start.js', 'text/javascript'],
    ])('asset %s: 200', async (path, type) => {
      const response = await app.call('GET', path, null);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(String(response.body).length).toBeGreaterThan(0);
    });

    it('every page asset is served', async () => {
      const response = await app.call('GET', '/docs', null);
      const assets = [...(response.body as string).matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((url) => url.startsWith('/docs/'));

      for (const asset of assets) {
        const fetched = await app.call('GET', asset, null);
        expect(fetched.status, asset).toBe(200);
      }
    });
  });
});

describe('body size limit', () => {
  let app: TestApp;
  let staff: TestPerson;
  let otherStaff: TestPerson;
  let draft: string;

  // A note whose JSON is well over the 200-byte limit set below.
  const largeNote = { kind: 'note', title: 'Customer journey mapping', body: 'Findings from the customer journey mapping workshops. '.repeat(8) };

  beforeAll(async () => {
    app = await createTestApp({ JSON_MAX_BYTES: '200' });
    const library = await app.library('Oakbridge Town Library');
    staff = await app.person(['library_staff'], library);
    otherStaff = await app.person(['library_staff'], await app.library('Pendle Vale Library'));
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' });
    draft = created.body.id;
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('body over limit: 413', async () => {
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, largeNote);

    expectProblem(response, 413);
    expect(response.body.detail).toContain('200 bytes');
  });

  it('body over limit with length: 413', async () => {
    const text = JSON.stringify(largeNote);
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, text, { 'content-length': String(Buffer.byteLength(text)) });

    expectProblem(response, 413);
  });

  it('body under limit: 201', async () => {
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'note', title: 'Short note', body: 'Short.' });

    expect(response.status).toBe(201);
  });

  it('no token before size: 401', async () => {
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, null, largeNote);

    expectProblem(response, 401);
  });

  it('other library before size: 404', async () => {
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, otherStaff.token, largeNote);

    expectProblem(response, 404);
  });
});
