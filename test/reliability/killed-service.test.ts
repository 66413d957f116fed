import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { replayApplication } from '../support/replay.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// Each application gets its own client, so every write to it gets its response before the next is sent.
const CYCLING_APPLICATIONS = 4;
const EVIDENCE_APPLICATIONS = 4;
// Writes that got a 2xx response before the kill, enough to be sure the kill lands in the middle of a load.
const ANSWERED_BEFORE_KILL = 150;

type Answered = { status: number; body: any };
type EventWrite = { applicationId: string; type: string; answer: Answered };
type EvidenceWrite = { applicationId: string; evidenceId: string | null; title: string; answer: Answered };
type RatingWrite = { applicationId: string; code: string; counter: number; answer: Answered };

describe('service killed during a write load', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let cycling: string[];
  let gathering: string[];
  const services: ServiceProcess[] = [];
  const env = (databaseUrl: string) => ({ DATABASE_URL: databaseUrl, RENDER_IN_SERVICE: 'false', OVERDUE_CHECK_SECONDS: '3600' });

  const events: EventWrite[] = [];
  const evidenceWrites: EvidenceWrite[] = [];
  const ratingWrites: RatingWrite[] = [];
  let unanswered = 0;
  let stopLoad = false;

  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const newApplication = async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await send(id, staff.token, { type: 'start' });
    return id;
  };

  /** Sends one request; a connection cut by the kill counts as unanswered, since the write may or may not have committed. */
  const request = async (url: string, method: string, token: string, body: unknown): Promise<Answered | null> => {
    try {
      const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    } catch {
      unanswered++;
      return null;
    }
  };

  /** Assigns and releases the mentor in turn, so that every write is a machine event. */
  const cycleEvents = async (base: string, id: string) => {
    let assign = true;
    while (!stopLoad) {
      const event = assign ? { type: 'mentor.assign', mentorId: mentor.id } : { type: 'mentor.release', reason: 'Rebalancing mentor load' };
      const answer = await request(`${base}/api/applications/${id}/events`, 'POST', quality.token, event);
      if (answer === null) return;
      events.push({ applicationId: id, type: event.type, answer });
      if (answer.status === 200) assign = !assign;
    }
  };

  /** Adds notes, renames them (each a new revision) and rewrites self-ratings. */
  const writeEvidence = async (base: string, id: string) => {
    const codes = elementCodes(app);
    let evidenceId: string | null = null;
    for (let counter = 1; !stopLoad; counter++) {
      if (counter % 3 === 1 || evidenceId === null) {
        const title = `Visitor survey ${counter}`;
        const answer = await request(`${base}/api/applications/${id}/evidence`, 'POST', staff.token, { kind: 'note', title, body: 'Survey results.', elements: [{ code: codes[counter % codes.length] }] });
        if (answer === null) return;
        evidenceWrites.push({ applicationId: id, evidenceId: null, title, answer });
        if (answer.status === 201) evidenceId = answer.body.id;
      } else if (counter % 3 === 2) {
        const title = `Visitor survey, revised ${counter}`;
        const answer = await request(`${base}/api/applications/${id}/evidence/${evidenceId}`, 'PATCH', staff.token, { title, elements: [{ code: codes[(counter + 1) % codes.length] }] });
        if (answer === null) return;
        evidenceWrites.push({ applicationId: id, evidenceId, title, answer });
      } else {
        const code = codes[counter % 5];
        const answer = await request(`${base}/api/applications/${id}/self-assessment/${code}`, 'PUT', staff.token, { rating: 'compliance', statement: `Statement ${counter}` });
        if (answer === null) return;
        ratingWrites.push({ applicationId: id, code, counter, answer });
      }
    }
  };

  const answeredCount = () => [...events, ...evidenceWrites, ...ratingWrites].filter((write) => write.answer.status < 300).length;

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);

    cycling = [];
    for (let index = 0; index < CYCLING_APPLICATIONS; index++) {
      const id = await newApplication();
      await completeEvidence(app.call, id, staff.token, elementCodes(app));
      await send(id, staff.token, { type: 'review.request' });
      cycling.push(id);
    }
    gathering = await Promise.all(Array.from({ length: EVIDENCE_APPLICATIONS }, newApplication));
  });

  afterAll(async () => {
    for (const service of services) await service.kill('SIGKILL');
    await app?.dispose();
  });

  it('keeps every answered write after SIGKILL', { timeout: 120_000 }, async () => {
    const first = await startService(env(app.databaseUrl));
    services.push(first);

    const load = Promise.all([...cycling.map((id) => cycleEvents(first.url, id)), ...gathering.map((id) => writeEvidence(first.url, id))]);
    const deadline = Date.now() + 60_000;
    while (answeredCount() < ANSWERED_BEFORE_KILL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await first.kill('SIGKILL');
    stopLoad = true;
    await load;

    expect(answeredCount()).toBeGreaterThanOrEqual(ANSWERED_BEFORE_KILL);
    // Every client was mid-request when the process died, or had just had its response.
    expect(unanswered).toBeGreaterThan(0);
    const all = [...events, ...evidenceWrites, ...ratingWrites].map((write) => write.answer.status);
    expect(all.filter((status) => status >= 500)).toEqual([]);
  });

  it('restarts clean on the same database', { timeout: 90_000 }, async () => {
    const second = await startService(env(app.databaseUrl));
    services.push(second);

    const health = await fetch(`${second.url}/health`);
    expect(health.status).toBe(200);
    const logged = second.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
    expect(logged.map((line) => line.msg)).toContain('Waymark started');
  });

  it('keeps every answered event in the history', async () => {
    const answered = events.filter((write) => write.answer.status === 200);
    expect(answered.length).toBeGreaterThan(0);

    for (const id of cycling) {
      const { events: history } = await replayApplication(app.databaseUrl, id);
      const bySequence = new Map(history.map((event) => [event.sequence, event]));
      for (const write of answered.filter((entry) => entry.applicationId === id)) {
        expect(bySequence.get(write.answer.body.sequence)?.type, `application ${id} sequence ${write.answer.body.sequence}`).toBe(write.type);
      }
    }
  });

  it('leaves history and snapshot consistent', async () => {
    for (const id of [...cycling, ...gathering]) {
      const replayed = await replayApplication(app.databaseUrl, id);
      const machineEvents = replayed.events.filter((event) => event.kind === 'machine');

      expect(replayed.events.map((event) => event.sequence), `application ${id}`).toEqual(replayed.events.map((_, index) => index + 1));
      expect(replayed.replayedSnapshot, `application ${id}`).toEqual(replayed.application.snapshot);
      expect(replayed.replayedState, `application ${id}`).toBe(replayed.application.state);
      expect(machineEvents.at(-1)?.toState, `application ${id}`).toBe(replayed.application.state);
      // The optimistic lock starts at 1 and every event moves it on by one.
      expect(replayed.application.version, `application ${id}`).toBe(1 + machineEvents.length);
    }
  });

  it('keeps every evidence row with its revisions', async () => {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      const items = await client.query<{ id: string; title: string; revision: number; codes: string[] }>(
        `select e.id, e.title, e.revision, coalesce(array_agg(m.element_code order by m.element_code) filter (where m.element_code is not null), '{}') as codes
           from evidence e left join evidence_element m on m.evidence_id = e.id
          where e.application_id = any($1) group by e.id`,
        [gathering],
      );
      const revisions = await client.query<{ evidenceId: string; number: number; title: string; elements: { code: string }[] }>(
        'select evidence_id as "evidenceId", number, title, elements from evidence_revision where evidence_id = any($1) order by evidence_id, number',
        [items.rows.map((item) => item.id)],
      );

      for (const item of items.rows) {
        const own = revisions.rows.filter((revision) => revision.evidenceId === item.id);
        const latest = own.at(-1)!;
        expect(own.map((revision) => revision.number), `evidence ${item.id}`).toEqual(own.map((_, index) => index + 1));
        expect(latest.number, `evidence ${item.id}`).toBe(item.revision);
        expect(latest.title, `evidence ${item.id}`).toBe(item.title);
        expect(latest.elements.map((mapping) => mapping.code).sort(), `evidence ${item.id}`).toEqual(item.codes);
      }

      const stored = new Map(items.rows.map((item) => [item.id, item]));
      const created = evidenceWrites.filter((write) => write.evidenceId === null && write.answer.status === 201);
      for (const write of created) expect(stored.get(write.answer.body.id)?.revision, write.title).toBeGreaterThanOrEqual(1);
      const renamed = evidenceWrites.filter((write) => write.evidenceId !== null && write.answer.status === 200);
      expect(renamed.length).toBeGreaterThan(0);
      for (const write of renamed) {
        const revision = revisions.rows.find((row) => row.evidenceId === write.evidenceId && row.number === write.answer.body.revision);
        expect(revision?.title, write.title).toBe(write.title);
      }
    } finally {
      await client.end();
    }
  });

  it('keeps the last answered self-rating or a later one', async () => {
    const answered = ratingWrites.filter((write) => write.answer.status === 200);
    expect(answered.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      for (const write of answered) {
        const rows = await client.query<{ statement: string }>('select statement from self_assessment where application_id = $1 and element_code = $2', [write.applicationId, write.code]);
        // A write cut off by the kill may still have committed, so the stored counter can only be the same or later.
        const storedCounter = Number(/^Statement (\d+)$/.exec(rows.rows[0]?.statement ?? '')?.[1]);
        expect(storedCounter, `${write.applicationId} ${write.code}`).toBeGreaterThanOrEqual(write.counter);
      }
    } finally {
      await client.end();
    }
  });

  it('serves writes after the restart', async () => {
    const service = services.at(-1)!;
    const [id] = cycling;
    const application = (await (await fetch(`${service.url}/api/applications/${id}`, { headers: { authorization: `Bearer ${quality.token}` } })).json()) as { state: string };
    const event = application.state === 'peerReview.inReview' ? { type: 'mentor.release', reason: 'After restart' } : { type: 'mentor.assign', mentorId: mentor.id };

    const answer = await request(`${service.url}/api/applications/${id}/events`, 'POST', quality.token, event);
    const note = await request(`${service.url}/api/applications/${gathering[0]}/evidence`, 'POST', staff.token, { kind: 'note', title: 'After restart', body: 'Written after the restart.' });

    expect(answer?.status).toBe(200);
    expect(note?.status).toBe(201);
    const replayed = await replayApplication(app.databaseUrl, id);
    expect(replayed.replayedSnapshot).toEqual(replayed.application.snapshot);
  });
});
