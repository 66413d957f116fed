import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

describe('review comments', () => {
  let app: TestApp;
  let staff: TestPerson;
  let staffOfB: TestPerson;
  let mentor: TestPerson;
  let otherMentor: TestPerson;
  let quality: TestPerson;
  let admin: TestPerson;
  // Library A's application in peerReview.inReview with `mentor` assigned, and another of A's in draft.
  let inReview: string;
  let draft: string;

  const commentsUrl = (applicationId: string, code: string) => `/api/applications/${applicationId}/review/elements/${code}/comments`;
  const commentUrl = (applicationId: string, commentId: string) => `/api/applications/${applicationId}/review/comments/${commentId}`;

  const post = async (applicationId: string, code: string, token: string, body: object) => {
    const response = await app.call('POST', commentsUrl(applicationId, code), token, body);
    if (response.status !== 201) throw new Error(`commenting failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  beforeAll(async () => {
    app = await createTestApp();
    const libraryA = await app.library('Ashworth Public Library');
    staff = await app.person(['library_staff'], libraryA);
    staffOfB = await app.person(['library_staff'], await app.library('Brookfield County Library'));
    mentor = await app.person(['mentor'], await app.library('Calder Valley Library'));
    otherMentor = await app.person(['mentor'], await app.library('Dunmore College Library'));
    quality = await app.person(['quality_group']);
    admin = await app.person(['admin']);

    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: libraryA, standardId: 'cse', cycle: 'initial' });
    inReview = created.body.id;
    await send(inReview, staff.token, { type: 'start' });
    await completeEvidence(app.call, inReview, staff.token, elementCodes(app));
    await send(inReview, staff.token, { type: 'review.request' });
    await send(inReview, quality.token, { type: 'mentor.assign', mentorId: mentor.id });

    draft = (await app.call('POST', '/api/applications', staff.token, { libraryId: libraryA, standardId: 'cse', cycle: 'initial' })).body.id;
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('threads a reply under its comment', async () => {
    const question = await post(inReview, '1.1.1', staff.token, { body: 'Is the 2025 survey enough for this element?' });
    expect(question).toMatchObject({ elementCode: '1.1.1', parentId: null, author: { id: staff.id, name: expect.any(String) }, body: 'Is the 2025 survey enough for this element?', resolvedAt: null, resolvedBy: null });
    expect(Number.isNaN(Date.parse(question.createdAt))).toBe(false);

    const answer = await post(inReview, '1.1.1', mentor.token, { body: 'Add the focus group notes as well.', parentId: question.id });
    expect(answer.parentId).toBe(question.id);
    expect(answer.author.id).toBe(mentor.id);
    expect(Date.parse(answer.createdAt)).toBeGreaterThan(Date.parse(question.createdAt));

    const thread = await app.call('GET', commentsUrl(inReview, '1.1.1'), staff.token);
    expect(thread.status).toBe(200);
    expect(thread.body.total).toBe(2);
    expect(thread.body.items.map((item: { id: string }) => item.id)).toEqual([question.id, answer.id]);
    expect(Object.keys(thread.body.items[0]).sort()).toEqual(['author', 'body', 'createdAt', 'elementCode', 'id', 'parentId', 'resolvedAt', 'resolvedBy']);
  });

  it('rejects a parent on another element or application', async () => {
    const onOther = await post(inReview, '1.1.2', staff.token, { body: 'A question about 1.1.2.' });
    const elsewhere = await post(draft, '1.1.1', staff.token, { body: 'A question on the draft.' });

    const cases: [string, string][] = [
      ['other element', onOther.id],
      ['other application', elsewhere.id],
      ['unknown comment', '00000000-0000-4000-8000-000000000000'],
      ['malformed id', 'comment-1'],
    ];
    for (const [label, parentId] of cases) {
      const response = await app.call('POST', commentsUrl(inReview, '1.1.1'), mentor.token, { body: 'A reply.', parentId });
      expect(response.status, label).toBe(422);
      expect(response.body.detail, label).toContain(parentId);
    }
  });

  it('rejects an unknown element code', async () => {
    const written = await app.call('POST', commentsUrl(inReview, '9.9.9'), staff.token, { body: 'About nothing.' });
    expect(written.status).toBe(422);
    expect(written.body.detail).toContain('9.9.9');

    const read = await app.call('GET', commentsUrl(inReview, '9.9.9'), staff.token);
    expect(read.status).toBe(422);
  });

  it('rejects an empty body and unknown fields', async () => {
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), staff.token, { body: '' })).status).toBe(422);
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), staff.token, { body: '   ' })).status).toBe(422);
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), staff.token, { body: 'Hello.', rating: 'compliance' })).status).toBe(422);
  });

  it('lets staff, mentor and quality group write', async () => {
    for (const [who, caller] of [['staff', staff], ['mentor', mentor], ['quality group', quality]] as const) {
      const response = await app.call('POST', commentsUrl(inReview, '2.1.1'), caller.token, { body: `A note from the ${who}.` });
      expect(response.status, who).toBe(201);
      expect(response.body.author.id, who).toBe(caller.id);
    }
  });

  it('hides the application from others', async () => {
    for (const [who, caller] of [['staff of another library', staffOfB], ['unassigned mentor', otherMentor]] as const) {
      const written = await app.call('POST', commentsUrl(inReview, '1.1.1'), caller.token, { body: 'May I?' });
      expect(written.status, who).toBe(404);
      const read = await app.call('GET', `/api/applications/${inReview}/review/comments`, caller.token);
      expect(read.status, who).toBe(404);
    }
  });

  it('rejects admins and callers without a token', async () => {
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), admin.token, { body: 'As admin.' })).status).toBe(403);
    expect((await app.call('GET', commentsUrl(inReview, '1.1.1'), admin.token)).status).toBe(403);
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), null, { body: 'Anonymous.' })).status).toBe(401);
  });

  it('checks access before the body', async () => {
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), admin.token, { nonsense: true })).status).toBe(403);
    expect((await app.call('POST', commentsUrl(inReview, '1.1.1'), staffOfB.token, { nonsense: true })).status).toBe(404);
  });

  it('accepts comments in any state', async () => {
    const response = await app.call('POST', commentsUrl(draft, '3.1.1'), staff.token, { body: 'Before we start: who owns 3.1.1?' });
    expect(response.status).toBe(201);
  });

  it('resolves a comment and opens it again', async () => {
    const comment = await post(inReview, '4.1.1', staff.token, { body: 'Does the complaints log cover branch libraries?' });

    const resolved = await app.call('PATCH', commentUrl(inReview, comment.id), mentor.token, { resolved: true });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolvedBy).toEqual({ id: mentor.id, name: expect.any(String) });
    expect(Number.isNaN(Date.parse(resolved.body.resolvedAt))).toBe(false);

    const again = await app.call('PATCH', commentUrl(inReview, comment.id), staff.token, { resolved: true });
    expect(again.body.resolvedBy.id).toBe(mentor.id);
    expect(again.body.resolvedAt).toBe(resolved.body.resolvedAt);

    const reopened = await app.call('PATCH', commentUrl(inReview, comment.id), quality.token, { resolved: false });
    expect(reopened.status).toBe(200);
    expect(reopened.body.resolvedAt).toBeNull();
    expect(reopened.body.resolvedBy).toBeNull();
  });

  it('lists every element and filters unresolved', async () => {
    const first = await post(inReview, '5.1.1', staff.token, { body: 'Open question on 5.1.1.' });
    const second = await post(inReview, '5.2.1', mentor.token, { body: 'Answered question on 5.2.1.' });
    await app.call('PATCH', commentUrl(inReview, second.id), staff.token, { resolved: true });

    const all = await app.call('GET', `/api/applications/${inReview}/review/comments`, quality.token);
    expect(all.status).toBe(200);
    const ids = all.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(first.id);
    expect(ids).toContain(second.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect(new Set(all.body.items.map((item: { elementCode: string }) => item.elementCode)).size).toBeGreaterThan(2);
    expect(all.body.total).toBe(all.body.items.length);

    const open = await app.call('GET', `/api/applications/${inReview}/review/comments?unresolved=true`, quality.token);
    const openIds = open.body.items.map((item: { id: string }) => item.id);
    expect(openIds).toContain(first.id);
    expect(openIds).not.toContain(second.id);
    expect(open.body.items.every((item: { resolvedAt: string | null }) => item.resolvedAt === null)).toBe(true);

    const notFiltered = await app.call('GET', `/api/applications/${inReview}/review/comments?unresolved=false`, quality.token);
    expect(notFiltered.body.total).toBe(all.body.total);
    expect((await app.call('GET', `/api/applications/${inReview}/review/comments?unresolved=yes`, quality.token)).status).toBe(422);
  });

  it('rejects resolving unknown or foreign comments', async () => {
    const onDraft = await post(draft, '1.2.1', staff.token, { body: 'On the draft.' });
    expect((await app.call('PATCH', commentUrl(inReview, onDraft.id), staff.token, { resolved: true })).status).toBe(404);
    expect((await app.call('PATCH', commentUrl(inReview, '00000000-0000-4000-8000-000000000000'), staff.token, { resolved: true })).status).toBe(404);
    expect((await app.call('PATCH', commentUrl(inReview, 'not-an-id'), staff.token, { resolved: true })).status).toBe(404);
  });

  it('limits who may resolve', async () => {
    const comment = await post(inReview, '1.3.1', staff.token, { body: 'Who resolves this?' });
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), staffOfB.token, { resolved: true })).status).toBe(404);
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), otherMentor.token, { resolved: true })).status).toBe(404);
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), admin.token, { resolved: true })).status).toBe(403);
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), null, { resolved: true })).status).toBe(401);
  });

  it('rejects an invalid resolve body', async () => {
    const comment = await post(inReview, '1.3.2', staff.token, { body: 'Check this.' });
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), staff.token, { resolved: 'yes' })).status).toBe(422);
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), staff.token, { resolved: true, body: 'edit' })).status).toBe(422);
    expect((await app.call('PATCH', commentUrl(inReview, comment.id), staff.token, {})).status).toBe(422);
  });
});
