import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applicationInReview } from '../support/review.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const waitFor = async (condition: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
};

describe('overdue record across restarts', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  const services: ServiceProcess[] = [];

  const overdueCount = async (id: string) => {
    const history = await app.call('GET', `/api/applications/${id}/history?limit=500`, quality.token);
    return (history.body.items as { type: string }[]).filter((item) => item.type === 'review.overdue').length;
  };
  // A due date in the past cannot be set through the API, so the round's row is moved back as time passing would.
  const makeOverdue = async (id: string) => {
    const moved = await app.db.em.getConnection().execute('update review_round set due_at = ? where application_id = ? and decision is null', [new Date(Date.now() - 60_000), id], 'run');
    expect(moved).toMatchObject({ affectedRows: 1 });
  };
  const start = async () => {
    const service = await startService({ DATABASE_URL: app.databaseUrl, OVERDUE_CHECK_SECONDS: '1' });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    for (const service of services) await service.kill('SIGKILL');
    await app.dispose();
  });

  it('writes overdue once across a kill', { timeout: 120_000 }, async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    await makeOverdue(id);

    const first = await start();
    expect(await waitFor(async () => (await overdueCount(id)) > 0, 20_000)).toBe(true);
    await first.kill('SIGKILL');

    const second = await start();
    // Three check intervals: time enough for a repeat to show.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await overdueCount(id)).toBe(1);
    await second.kill('SIGTERM');
  });

  it('catches up after being stopped', { timeout: 120_000 }, async () => {
    const id = await applicationInReview(app, staff, quality, mentor);
    // Overdue while no service runs: the next start records it.
    await makeOverdue(id);

    const service = await start();
    expect(await waitFor(async () => (await overdueCount(id)) === 1, 20_000)).toBe(true);
    await service.kill('SIGTERM');
  });

  it('writes once with two instances', { timeout: 120_000 }, async () => {
    const [one, two] = await Promise.all([start(), start()]);
    const ids = await Promise.all(Array.from({ length: 3 }, () => applicationInReview(app, staff, quality, mentor)));
    for (const id of ids) await makeOverdue(id);

    expect(await waitFor(async () => (await Promise.all(ids.map(overdueCount))).every((count) => count >= 1), 20_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await Promise.all(ids.map(overdueCount))).toEqual([1, 1, 1]);

    expect(await one.kill('SIGTERM')).toBe(0);
    expect(await two.kill('SIGTERM')).toBe(0);
  });
});
