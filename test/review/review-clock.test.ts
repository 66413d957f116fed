import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkReviewDates } from '../../src/review/review-clock.ts';
import { applicationInReview } from '../support/review.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('review clock', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  const historyOf = async (id: string, type: string) => ((await app.call('GET', `/api/applications/${id}/history?limit=500`, quality.token)).body.items as { type: string; kind: string; actor: unknown; payload: any }[]).filter((item) => item.type === type);
  // A due date in the past cannot be set through the API, so the round's row is moved back as time passing would.
  const moveDue = async (id: string, dueAt: Date) => {
    const moved = await app.db.em.getConnection().execute('update review_round set due_at = ?, week_reminder_at = null, day_reminder_at = null where application_id = ? and decision is null', [dueAt, id], 'run');
    expect(moved).toMatchObject({ affectedRows: 1 });
  };
  const check = (now: Date) => checkReviewDates(app.db.em, now, app.logger);

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('sets the due date from REVIEW_DUE_DAYS', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    const [round] = (await app.call('GET', `/api/applications/${id}/review/rounds`, staff.token)).body.items;
    const days = (Date.parse(round.dueAt) - Date.parse(round.openedAt)) / DAY_MS;

    expect(days).toBe(14);
    expect(round.overdue).toBe(false);
  });

  it('reminds the mentor a week before', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    const now = new Date();
    await moveDue(id, new Date(now.getTime() + 5 * DAY_MS));

    await check(now);
    await check(now);

    const reminders = await historyOf(id, 'review.reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ kind: 'record', actor: 'system', payload: { before: 'week', round: 1 } });
    const notes = (await app.call('GET', '/api/me/notifications', mentor.token)).body.items.filter((note: { applicationId: string }) => note.applicationId === id);
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toContain('in 7 days');
  });

  it('reminds again a day before', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    const now = new Date();
    await moveDue(id, new Date(now.getTime() + 5 * DAY_MS));
    await check(now);
    await check(new Date(now.getTime() + 4.5 * DAY_MS));

    expect((await historyOf(id, 'review.reminder')).map((item) => item.payload.before)).toEqual(['week', 'day']);
  });

  it('records overdue exactly once', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    await moveDue(id, new Date(Date.now() - 60_000));

    const results = await Promise.all(Array.from({ length: 5 }, () => check(new Date())));
    await check(new Date());

    expect(results.reduce((sum, result) => sum + result.overdue, 0)).toBe(1);
    const overdue = await historyOf(id, 'review.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ kind: 'record', actor: 'system', payload: { round: 1, mentorId: mentor.id } });
    const [round] = (await app.call('GET', `/api/applications/${id}/review/rounds`, staff.token)).body.items;
    expect(round.overdue).toBe(true);
  });

  it('keeps overdue once after a new due date', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    await moveDue(id, new Date(Date.now() - 60_000));
    await check(new Date());
    await moveDue(id, new Date(Date.now() - 30_000));
    await check(new Date());

    expect(await historyOf(id, 'review.overdue')).toHaveLength(1);
  });

  it('ignores decided rounds', async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    await moveDue(id, new Date(Date.now() - 60_000));
    await app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.release', reason: 'Mentor on leave' });
    await check(new Date());

    expect(await historyOf(id, 'review.overdue')).toHaveLength(0);
  });

  it('refuses a due date without a round', async () => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
    const response = await app.call('PATCH', `/api/applications/${created.body.id}/review`, quality.token, { dueAt: '2027-01-31' });

    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('no open review round');
  });
});
