import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApplicationSchema } from '../../src/applications/application.entity.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

/** Reverses the key order of every object, as PostgreSQL's jsonb may hand keys back in another order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]));
}

describe('application persistence', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  const rowOf = async (id: string) => {
    const rows = await app.db.em.getConnection().execute<{ version: number; xmin: string; state: string; snapshot: unknown }[]>('select version, xmin::text, state, snapshot from application where id = ?', [id]);
    return rows[0];
  };
  const historyLength = async (id: string) => (await app.call('GET', `/api/applications/${id}/history`, quality.token)).body.total as number;
  const newApplication = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;

  beforeAll(async () => {
    app = await createTestApp();
    const applicant = await app.library();
    staff = await app.person(['library_staff'], applicant);
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('lets one of many concurrent events win', async () => {
    const id = await newApplication();
    const results = await Promise.all(Array.from({ length: 30 }, () => app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' })));
    const statuses = results.map((result) => result.status);

    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(29);
    expect(results.every((result) => result.status === 200 || result.headers.get('content-type') === 'application/problem+json')).toBe(true);
    expect(await historyLength(id)).toBe(2);
    expect((await rowOf(id)).state).toBe('gatheringEvidence');
  });

  it('keeps a conflicting pair of events consistent', async () => {
    const id = await newApplication();
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    await app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, id, mentor.token, elementCodes(app));

    const [approve, release] = await Promise.all([
      app.call('POST', `/api/applications/${id}/events`, mentor.token, { type: 'review.approve' }),
      app.call('POST', `/api/applications/${id}/events`, quality.token, { type: 'mentor.release', reason: 'Mentor unavailable' }),
    ]);
    const winners = [approve, release].filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    expect([approve.status, release.status].sort()).toEqual([200, 409]);

    const row = await rowOf(id);
    expect(row.state).toBe(approve.status === 200 ? 'readyToSubmit' : 'peerReview.awaitingMentor');
    expect(await historyLength(id)).toBe(5);
  });

  it('writes no update for an equal snapshot', async () => {
    const id = await newApplication();
    const before = await rowOf(id);

    const em = app.db.em.fork();
    const application = await em.findOneOrFail(ApplicationSchema, { id });
    application.snapshot = reverseKeys(structuredClone(application.snapshot)) as Record<string, unknown>;
    await em.flush();

    const after = await rowOf(id);
    expect(after.version).toBe(before.version);
    expect(after.xmin).toBe(before.xmin);
  });

  it('bumps the version on every event', async () => {
    const id = await newApplication();
    const before = await rowOf(id);
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    expect((await rowOf(id)).version).toBe(before.version + 1);
  });

  it('refuses a snapshot whose state no longer exists', async () => {
    const id = await newApplication();
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    const connection = app.db.em.getConnection();
    // As a machine version 0 would have stored it, before the state was renamed.
    await connection.execute(`update application set machine_version = 0, snapshot = jsonb_set(snapshot, '{value}', '"collectingEvidence"') where id = ?`, [id]);
    const before = await rowOf(id);

    const read = await app.call('GET', `/api/applications/${id}`, staff.token);
    expect(read.status).toBe(409);
    expect(read.body.code).toBe('snapshot_incompatible');
    expect(read.body.detail).toContain(id);
    expect(read.body.detail).toMatch(/version 0/);

    const sent = await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    expect(sent.status).toBe(409);
    expect(sent.body.code).toBe('snapshot_incompatible');
    expect(await rowOf(id)).toEqual(before);
    expect(await historyLength(id)).toBe(2);
  });

  it('refuses a snapshot stored by a newer machine', async () => {
    const id = await newApplication();
    await app.db.em.getConnection().execute('update application set machine_version = 99 where id = ?', [id]);

    const read = await app.call('GET', `/api/applications/${id}`, staff.token);
    expect(read.status).toBe(409);
    expect(read.body.detail).toContain('99');
  });
});
