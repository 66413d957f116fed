import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// The fixture standard has two levels (dimensions A and B with five items) and a three-point scale.
describe('application on a second standard', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  const send = (id: string, token: string, event: object) => app.call('POST', `/api/applications/${id}/events`, token, event);

  it('lists both standards', async () => {
    const listed = await app.call('GET', '/api/standards', staff.token);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual(['cse', 'library-service-mark']);

    const tree = await app.call('GET', '/api/standards/library-service-mark', staff.token);
    expect(tree.body.criteria.map((node: { code: string }) => node.code)).toEqual(['A', 'B']);
    expect(tree.body.criteria[0].children.map((node: { code: string }) => node.code)).toEqual(['A.1', 'A.2']);
  });

  it('runs to accredited on its own scale and rule', async () => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'library-service-mark', cycle: 'initial' });
    expect(created.status).toBe(201);
    expect(created.body.standard).toEqual({ id: 'library-service-mark', version: '1.0', title: expect.any(String) });
    const id = created.body.id;

    await send(id, staff.token, { type: 'start' });
    const wrongScale = await app.call('PUT', `/api/applications/${id}/self-assessment/A.1`, staff.token, { rating: 'compliance' });
    expect(wrongScale.status).toBe(422);
    expect(wrongScale.body.detail).toContain('met, partly_met, not_met');

    const cseCode = await app.call('PUT', `/api/applications/${id}/self-assessment/1.1.1`, staff.token, { rating: 'met' });
    expect(cseCode.status).toBe(422);

    await completeEvidence(app.call, id, staff.token, elementCodes(app, 'library-service-mark'), 'met');
    const detail = await app.call('GET', `/api/applications/${id}`, staff.token);
    expect(detail.body.coverage).toEqual({
      elements: 5,
      withEvidence: 5,
      rated: 5,
      criteria: [
        { code: 'A', title: expect.any(String), elements: 2, withEvidence: 2, rated: 2 },
        { code: 'B', title: expect.any(String), elements: 3, withEvidence: 3, rated: 3 },
      ],
    });

    await send(id, staff.token, { type: 'review.request' });
    await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, id, mentor.token, elementCodes(app, 'library-service-mark'));
    await send(id, mentor.token, { type: 'review.approve' });
    await send(id, staff.token, { type: 'submit' });

    const twoPartly = await send(id, quality.token, {
      type: 'outcome.record',
      ratings: { 'A.1': 'met', 'A.2': 'partly_met', 'B.1': 'partly_met', 'B.2': 'met', 'B.3': 'met' },
      reportDate: '2026-11-02',
      certificationBody: 'Example Certification Ltd',
    });
    expect(twoPartly.status).toBe(200);
    expect(twoPartly.body.state).toBe('notAccredited');

    await send(id, staff.token, { type: 'reopen' });
    await send(id, staff.token, { type: 'review.request' });
    await reviewAll(app.call, id, mentor.token, elementCodes(app, 'library-service-mark'));
    await send(id, mentor.token, { type: 'review.approve' });
    await send(id, staff.token, { type: 'submit' });
    const onePartly = await send(id, quality.token, {
      type: 'outcome.record',
      ratings: { 'A.1': 'met', 'A.2': 'partly_met', 'B.1': 'met', 'B.2': 'met', 'B.3': 'met' },
      reportDate: '2026-11-30',
      certificationBody: 'Example Certification Ltd',
    });
    expect(onePartly.body.state).toBe('accredited');
  });
});
