import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// Mistakes a hurried person makes, each of which was once stored or got the wrong response.
describe('careless input', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let admin: TestPerson;

  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  const newDraft = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;

  /** Walks a new application into peer review with the mentor assigned. */
  const inReview = async () => {
    const id = await newDraft();
    await send(id, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    await send(id, staff.token, { type: 'review.request' });
    await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    return id;
  };

  const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    quality = await app.person(['quality_group']);
    admin = await app.person(['admin']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('outcome dated after today: 422', async () => {
    const id = await inReview();
    await reviewAll(app.call, id, mentor.token, elementCodes(app));
    await send(id, mentor.token, { type: 'review.approve' });
    await send(id, staff.token, { type: 'submit' });
    const ratings = Object.fromEntries(elementCodes(app).map((code) => [code, 'compliance']));

    const future = await app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'outcome.record', ratings, reportDate: isoDay(400), certificationBody: 'Assessment Ltd' });
    const today = await app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'outcome.record', ratings, reportDate: isoDay(0), certificationBody: 'Assessment Ltd' });

    expect(future.status).toBe(422);
    expect(future.body.detail).toContain(`reportDate "${isoDay(400)}" is after today`);
    expect(today.status).toBe(200);
    expect(today.body.state).toBe('accredited');
  });

  it('review due date in the past: 422', async () => {
    const id = await inReview();

    const past = await app.call('PATCH', `/api/applications/${id}/review`, quality.token, { dueAt: '2020-01-01' });
    const rounds = await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token);

    expect(past.status).toBe(422);
    expect(past.body.detail).toBe('dueAt "2020-01-01" is already past. Give a due date in the future.');
    expect(new Date(rounds.body.items[0].dueAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('library name differing in case: 409', async () => {
    const first = await app.call('POST', '/api/libraries', admin.token, { name: 'Harbourside University Library' });
    const shouted = await app.call('POST', '/api/libraries', admin.token, { name: '  HARBOURSIDE   university library ' });

    expect(first.status).toBe(201);
    expect(shouted.status).toBe(409);
    expect(shouted.body.detail).toBe('A library named "Harbourside University Library" already exists. Use its id, or choose another name.');
  });

  it('library for a quality-group person: 422', async () => {
    const libraryId = (await app.call('POST', '/api/libraries', admin.token, { name: 'Kingsmere University Library' })).body.id;

    const response = await app.call('POST', '/api/people', admin.token, { email: 'q.member@consortium.example.org.uk', name: 'Q. Member', roles: ['quality_group'], libraryId });

    expect(response.status).toBe(422);
    expect(response.body.detail).toContain('the role quality_group belongs to no library');
  });

  it('unknown state filter: 422', async () => {
    const response = await app.call('GET', '/api/applications?state=inReview', quality.token);

    expect(response.status).toBe(422);
    expect(response.body.detail).toContain('peerReview.inReview');
  });

  it('compound state filter: matches inner states', async () => {
    const id = await inReview();

    const listed = await app.call('GET', '/api/applications?state=peerReview&limit=500', quality.token);

    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect(new Set(listed.body.items.map((item: { state: string }) => item.state))).toEqual(new Set(['peerReview.inReview']));
  });

  it('wrong role with a malformed event: 403', async () => {
    const id = await newDraft();

    const response = await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'outcome.record', outcome: 'accredited' });

    expect(response.status).toBe(403);
    expect(response.body.detail).toContain('You may not send outcome.record');
  });

  it('right role with a malformed event: 422', async () => {
    const id = await newDraft();

    const response = await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start', extra: true });

    expect(response.status).toBe(422);
  });
});
