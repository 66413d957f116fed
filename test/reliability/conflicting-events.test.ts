import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { replayApplication } from '../support/replay.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const CONCURRENT_EVENTS = 200;

type Answer = { status: number; contentType: string | null; body: any };

describe('200 concurrent conflicting events over HTTP', () => {
  let app: TestApp;
  let served: { url: string; stop: () => Promise<void> };
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;

  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  const newDraft = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;

  const readyToSubmit = async () => {
    const id = await newDraft();
    await send(id, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    await send(id, staff.token, { type: 'review.request' });
    await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, id, mentor.token, elementCodes(app));
    await send(id, mentor.token, { type: 'review.approve' });
    return id;
  };

  /** Sends every event at once through real sockets, so that the requests race inside PostgreSQL and not in a queue of ours. */
  const race = async (id: string, events: { token: string; event: object }[]): Promise<Answer[]> =>
    Promise.all(
      events.map(async ({ token, event }) => {
        const response = await fetch(`${served.url}/api/applications/${id}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
        const text = await response.text();
        return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) };
      }),
    );

  const expectOneWinner = (answers: Answer[]) => {
    const statuses = answers.map((answer) => answer.status);
    const losers = answers.filter((answer) => answer.status !== 200);

    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(losers).toHaveLength(CONCURRENT_EVENTS - 1);
    expect(losers.map((answer) => answer.status).filter((status) => status !== 409)).toEqual([]);
    expect(losers.map((answer) => answer.contentType).filter((type) => type !== 'application/problem+json')).toEqual([]);
    // A loser is refused either by the lock (conflict) or by the state the winner left (event_not_allowed).
    expect(losers.map((answer) => answer.body.code).filter((code) => code !== 'conflict' && code !== 'event_not_allowed')).toEqual([]);
  };

  beforeAll(async () => {
    // No renders: submit queues one, and Chromium has no part in this test.
    app = await createTestApp({ RENDER_IN_SERVICE: 'false' });
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
    served = await app.serve();
  });

  afterAll(async () => {
    await served?.stop();
    await app?.dispose();
  });

  it('lets one of 200 identical starts win', async () => {
    const id = await newDraft();

    const answers = await race(id, Array.from({ length: CONCURRENT_EVENTS }, () => ({ token: staff.token, event: { type: 'start' } })));

    expectOneWinner(answers);
    const replayed = await replayApplication(app.databaseUrl, id);
    expect(replayed.application.state).toBe('gatheringEvidence');
    expect(replayed.events.map((event) => event.type)).toEqual(['application.created', 'start']);
  });

  it('lets one of submit and withdraw win', async () => {
    const id = await readyToSubmit();
    const before = await replayApplication(app.databaseUrl, id);
    // Each event shuts the other out: submitted takes no withdraw, withdrawn takes no submit.
    const events = Array.from({ length: CONCURRENT_EVENTS }, (_, index) =>
      index % 2 === 0
        ? { token: staff.token, event: { type: 'submit' } }
        : { token: index % 4 === 1 ? quality.token : staff.token, event: { type: 'withdraw', reason: `Withdrawal ${index}` } },
    );

    const answers = await race(id, events);

    expectOneWinner(answers);
    const winner = answers.find((answer) => answer.status === 200)!;
    const replayed = await replayApplication(app.databaseUrl, id);
    expect(replayed.events).toHaveLength(before.events.length + 1);
    expect(replayed.events.at(-1)!.sequence).toBe(winner.body.sequence);
    expect(replayed.application.state).toBe(winner.body.state);
    expect(['submitted', 'withdrawn']).toContain(winner.body.state);
    expect(replayed.application.version).toBe(before.application.version + 1);
  });

  it('replays the history to the stored state', async () => {
    const { items } = (await app.call('GET', '/api/applications?limit=500', quality.token)).body;

    for (const { id } of items as { id: string }[]) {
      const replayed = await replayApplication(app.databaseUrl, id);
      expect(replayed.replayedSnapshot, `application ${id}`).toEqual(replayed.application.snapshot);
      expect(replayed.replayedState, `application ${id}`).toBe(replayed.application.state);
    }
  });
});
