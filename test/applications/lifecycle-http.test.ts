import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, markNeedsWork, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

describe('application lifecycle over HTTP', () => {
  let app: TestApp;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  const call = async (method: string, url: string, token: string | null, body?: unknown) => {
    const response = await fetch(baseUrl + url, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text), type: response.headers.get('content-type') };
  };

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;

    const applicant = await app.library('Northgate University Library');
    const mentoring = await app.library('Riverside College Library');
    staff = await app.person(['library_staff'], applicant);
    mentor = await app.person(['mentor'], mentoring);
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await stop();
    await app.dispose();
  });

  it('walks from draft to accredited through the API alone', async () => {
    const created = await call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('draft');
    expect(created.body.libraryName).toBe('Northgate University Library');
    expect(created.body.allowedEvents).toEqual(['start', 'withdraw']);
    const id = created.body.id;

    const started = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    expect(started.status).toBe(200);
    expect(started.body.state).toBe('gatheringEvidence');

    const tooEarly = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.type).toBe('application/problem+json');
    expect(tooEarly.body.detail).toContain('0 of 57');

    await completeEvidence(call, id, staff.token, elementCodes(app));
    const covered = await call('GET', `/api/applications/${id}`, staff.token);
    expect(covered.body.coverage).toMatchObject({ elements: 57, withEvidence: 57, rated: 57 });
    expect(covered.body.coverage.criteria).toHaveLength(5);
    expect(covered.body.allowedEvents).toEqual(['review.request', 'withdraw']);

    const requested = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    expect(requested.body.state).toBe('peerReview.awaitingMentor');

    const assigned = await call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.assign', mentorId: mentor.id, reason: 'Experienced with CSE' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.state).toBe('peerReview.inReview');
    expect(assigned.body.mentorId).toBe(mentor.id);

    await markNeedsWork(call, id, mentor.token, '1.3.1');
    const changes = await call('POST', `/api/applications/${id}/events`, mentor.token, { type: 'review.requestChanges', comment: 'Add the 2025 survey results to 1.3.1.' });
    expect(changes.body.state).toBe('gatheringEvidence');

    const again = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    expect(again.body.state).toBe('peerReview.inReview');

    await reviewAll(call, id, mentor.token, elementCodes(app));
    const approved = await call('POST', `/api/applications/${id}/events`, mentor.token, { type: 'review.approve' });
    expect(approved.body.state).toBe('readyToSubmit');

    const submitted = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'submit' });
    expect(submitted.body.state).toBe('submitted');

    // 9 Compliance Plus, 45 Compliance and 3 Partial Compliance: a certified result one holder of the standard reported.
    const ratingAt = (index: number) => {
      if (index < 9) return 'compliance_plus';
      if (index < 54) return 'compliance';
      return 'partial_compliance';
    };
    const ratings = Object.fromEntries(elementCodes(app).map((code, index) => [code, ratingAt(index)]));
    const outcome = await call('POST', `/api/applications/${id}/events`, quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });
    expect(outcome.status).toBe(200);
    expect(outcome.body.state).toBe('accredited');
    expect(outcome.body.allowedEvents).toEqual([]);

    const history = await call('GET', `/api/applications/${id}/history`, quality.token);
    expect(history.body.items.map((item: { type: string }) => item.type)).toEqual([
      'application.created',
      'start',
      'review.request',
      'mentor.assign',
      'review.requestChanges',
      'review.request',
      'review.approve',
      'submit',
      'outcome.record',
    ]);
    expect(history.body.items[3]).toMatchObject({ kind: 'machine', fromState: 'peerReview.awaitingMentor', toState: 'peerReview.inReview', actor: { id: quality.id } });
    expect(history.body.items[2].payload.coverage).toEqual({ elements: 57, withEvidence: 57, rated: 57 });
  });

  it('records notAccredited when the certification rule is not met, and reopens', async () => {
    const created = await call('POST', '/api/applications', quality.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'reassessment' });
    const id = created.body.id;
    await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    await completeEvidence(call, id, staff.token, elementCodes(app));
    await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    await call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(call, id, mentor.token, elementCodes(app));
    await call('POST', `/api/applications/${id}/events`, mentor.token, { type: 'review.approve' });
    await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'submit' });

    const ratings = Object.fromEntries(elementCodes(app).map((code, index) => [code, index === 0 ? 'non_compliance' : 'compliance']));
    const outcome = await call('POST', `/api/applications/${id}/events`, quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });
    expect(outcome.body.state).toBe('notAccredited');

    const reopened = await call('POST', `/api/applications/${id}/events`, staff.token, { type: 'reopen' });
    expect(reopened.body.state).toBe('gatheringEvidence');
  });
});
