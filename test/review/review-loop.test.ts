import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// The whole peer-review loop over HTTP with real roles, from suggestion to approval.
describe('peer review loop', () => {
  let app: TestApp;
  let applicant: string;
  let staff: TestPerson;
  let quality: TestPerson;
  let chosen: TestPerson;
  let conflicted: TestPerson;
  let busy: TestPerson;
  let sameLibrary: TestPerson;
  let id: string;

  const send = async (token: string, event: object) => app.call('POST', `/api/applications/${id}/events`, token, event);
  const rounds = async () => (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items;

  beforeAll(async () => {
    app = await createTestApp();
    applicant = await app.library('Northgate University Library');
    staff = await app.person(['library_staff'], applicant);
    quality = await app.person(['quality_group']);
    chosen = await app.person(['mentor'], await app.library('Riverside College Library'));
    conflicted = await app.person(['mentor'], await app.library('Harbour Institute Library'));
    busy = await app.person(['mentor'], await app.library('Kingsmere University Library'));
    sameLibrary = await app.person(['mentor', 'library_staff'], applicant);

    const declared = await app.call('PUT', `/api/people/${conflicted.id}/mentor-profile`, conflicted.token, { capacity: 3, standards: ['cse'], conflicts: [applicant] });
    expect(declared.status).toBe(200);
    const capped = await app.call('PUT', `/api/people/${busy.id}/mentor-profile`, busy.token, { capacity: 0, standards: ['cse'], conflicts: [] });
    expect(capped.status).toBe(200);

    id = (await app.call('POST', '/api/applications', staff.token, { libraryId: applicant, standardId: 'cse', cycle: 'initial' })).body.id;
    await send(staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    expect((await send(staff.token, { type: 'review.request' })).body.state).toBe('peerReview.awaitingMentor');
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('suggests only eligible mentors', async () => {
    const suggestions = await app.call('GET', `/api/applications/${id}/mentor-suggestions`, quality.token);
    const ids = suggestions.body.items.map((item: { id: string }) => item.id);

    expect(ids).toContain(chosen.id);
    expect(ids).not.toContain(conflicted.id);
    expect(ids).not.toContain(busy.id);
    expect(ids).not.toContain(sameLibrary.id);
  });

  it('refuses conflicted and same-library mentors', async () => {
    const conflict = await send(quality.token, { type: 'mentor.assign', mentorId: conflicted.id });
    expect(conflict.status).toBe(409);
    expect(conflict.body.detail).toContain('conflict of interest');

    const own = await send(quality.token, { type: 'mentor.assign', mentorId: sameLibrary.id });
    expect(own.status).toBe(409);
    expect(own.body.detail).toContain('works for the applying library');
  });

  it('opens round one on assignment', async () => {
    const assigned = await send(quality.token, { type: 'mentor.assign', mentorId: chosen.id, reason: 'Mentored two CSE applications' });
    expect(assigned.body.state).toBe('peerReview.inReview');

    const [round] = await rounds();
    expect(round).toMatchObject({ number: 1, mentor: { id: chosen.id }, decision: null, changes: null });
    const history = (await app.call('GET', `/api/applications/${id}/history`, quality.token)).body.items;
    expect(history.at(-1)).toMatchObject({ type: 'mentor.assign', actor: { id: quality.id }, payload: { reason: 'Mentored two CSE applications' } });
  });

  it('requests changes on needs_work elements', async () => {
    const refused = await send(chosen.token, { type: 'review.requestChanges', comment: 'See my notes.' });
    expect(refused.status).toBe(409);

    await reviewAll(app.call, id, chosen.token, elementCodes(app));
    const verdict = await app.call('PUT', `/api/applications/${id}/review/elements/1.3.1`, chosen.token, { verdict: 'needs_work', comment: 'Add the 2026 survey results.', suggestedRating: 'partial_compliance' });
    expect(verdict.status).toBe(200);
    const thread = await app.call('POST', `/api/applications/${id}/review/elements/1.3.1/comments`, chosen.token, { body: 'The 2024 survey is too old.' });
    expect(thread.status).toBe(201);

    const changes = await send(chosen.token, { type: 'review.requestChanges', comment: 'Strengthen customer satisfaction evidence.' });
    expect(changes.status).toBe(200);
    expect(changes.body.state).toBe('gatheringEvidence');
    expect((await rounds())[0]).toMatchObject({ decision: 'changes_requested', decisionComment: 'Strengthen customer satisfaction evidence.' });
  });

  it('shows round two only the changes', async () => {
    const added = await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'link', title: 'Library survey 2026', url: 'https://library.example.ac.uk/survey-2026', elements: [{ code: '1.3.1' }] });
    expect(added.status).toBe(201);
    await app.call('PUT', `/api/applications/${id}/self-assessment/2.1.1`, staff.token, { rating: 'compliance_plus', statement: 'Leaders now report on customer focus each term.' });
    await app.call('POST', `/api/applications/${id}/review/elements/1.3.1/comments`, staff.token, { body: 'Added the 2026 results.' });

    const again = await send(staff.token, { type: 'review.request' });
    expect(again.body.state).toBe('peerReview.inReview');

    const [, second] = await rounds();
    expect(second).toMatchObject({ number: 2, mentor: { id: chosen.id }, decision: null });
    expect(second.changes.map((change: { code: string }) => change.code)).toEqual(['1.3.1', '2.1.1']);
    expect(second.changes[0].evidence.added).toEqual([{ id: added.body.id, title: 'Library survey 2026' }]);
    expect(second.changes[1]).toMatchObject({ statementChanged: true, ratingChanged: true, rating: { from: 'compliance', to: 'compliance_plus' } });
  });

  it('approves after a complete review', async () => {
    await reviewAll(app.call, id, chosen.token, elementCodes(app));
    const approved = await send(chosen.token, { type: 'review.approve' });

    expect(approved.body.state).toBe('readyToSubmit');
    const [first, second] = await rounds();
    expect(second.decision).toBe('approved');
    expect(second.verdicts).toHaveLength(57);
    expect(first.verdicts.find((verdict: { code: string }) => verdict.code === '1.3.1')).toMatchObject({ verdict: 'needs_work', suggestedRating: 'partial_compliance' });
  });

  it('keeps the comment thread', async () => {
    const thread = await app.call('GET', `/api/applications/${id}/review/elements/1.3.1/comments`, staff.token);

    expect(thread.body.items.map((comment: { body: string }) => comment.body)).toEqual(['The 2024 survey is too old.', 'Added the 2026 results.']);
  });
});
