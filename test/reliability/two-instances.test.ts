import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { replayApplication } from '../support/replay.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';
import { startWorker, type WorkerProcess } from '../support/worker-process.ts';

const APPLICATIONS = 3;
const STEPS_PER_CLIENT = 15;

type Answer = { status: number; body: any };

describe('two service instances and a separate render worker', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let instances: ServiceProcess[];
  let worker: WorkerProcess;
  let inPeerReview: string[];
  let gathering: string;

  const call = async (base: string, method: string, url: string, token: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const newApplication = async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await send(id, staff.token, { type: 'start' });
    return id;
  };
  const waitForRenders = async (id: string, count: number) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const items = (await app.call('GET', `/api/applications/${id}/portfolio`, quality.token)).body.items as { id: string; status: string; sha256: string }[];
      const settled = items.filter((item) => item.status === 'ready' || item.status === 'failed');
      if (settled.length >= count || Date.now() > deadline) return items;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Harrowgate University Library'));
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);

    inPeerReview = [];
    for (let index = 0; index < APPLICATIONS; index++) {
      const id = await newApplication();
      await completeEvidence(app.call, id, staff.token, elementCodes(app));
      await send(id, staff.token, { type: 'review.request' });
      inPeerReview.push(id);
    }
    gathering = await newApplication();

    const env = { DATABASE_URL: app.databaseUrl, RENDER_IN_SERVICE: 'false', OVERDUE_CHECK_SECONDS: '3600' };
    instances = await Promise.all([startService(env), startService(env)]);
    worker = await startWorker({ DATABASE_URL: app.databaseUrl });
  }, 120_000);

  afterAll(async () => {
    await worker?.kill('SIGKILL');
    for (const instance of instances ?? []) await instance.kill('SIGKILL');
    await app?.dispose();
  });

  it('interleaves events from both instances', { timeout: 120_000 }, async () => {
    const before = await Promise.all(inPeerReview.map((id) => replayApplication(app.databaseUrl, id)));
    const winners: { id: string; instance: number; type: string; sequence: number }[] = [];
    const statuses: number[] = [];

    // Two clients per application, one on each instance, each reading the state and sending the event that moves it on.
    const client = async (id: string, instance: number) => {
      const base = instances[instance].url;
      for (let step = 0; step < STEPS_PER_CLIENT; step++) {
        const { body: application } = await call(base, 'GET', `/api/applications/${id}`, quality.token);
        const event = application.state === 'peerReview.inReview' ? { type: 'mentor.release', reason: `Released from instance ${instance}` } : { type: 'mentor.assign', mentorId: mentor.id };
        const answer = await call(base, 'POST', `/api/applications/${id}/events`, quality.token, event);
        statuses.push(answer.status);
        if (answer.status === 200) winners.push({ id, instance, type: event.type, sequence: answer.body.sequence });
      }
    };
    await Promise.all(inPeerReview.flatMap((id) => [client(id, 0), client(id, 1)]));

    expect(statuses.filter((status) => status !== 200 && status !== 409)).toEqual([]);
    expect(new Set(winners.map((winner) => winner.instance))).toEqual(new Set([0, 1]));
    for (const [index, id] of inPeerReview.entries()) {
      const replayed = await replayApplication(app.databaseUrl, id);
      const own = winners.filter((winner) => winner.id === id);
      const added = replayed.events.slice(before[index].events.length);

      // No event that got a 200 is missing and no event without one was added: the history is exactly the winners.
      expect(added.map((event) => event.sequence), id).toEqual(own.map((winner) => winner.sequence).sort((a, b) => a - b));
      for (const winner of own) expect(added.find((event) => event.sequence === winner.sequence)?.type, `${id} ${winner.sequence}`).toBe(winner.type);
      expect(replayed.application.version, id).toBe(before[index].application.version + own.length);
      expect(replayed.replayedSnapshot, id).toEqual(replayed.application.snapshot);
      expect(replayed.replayedState, id).toBe(replayed.application.state);
    }
  });

  it('keeps self-ratings written through both instances', async () => {
    const codes = elementCodes(app);
    const answers = await Promise.all(
      codes.map((code, index) => call(instances[index % 2].url, 'PUT', `/api/applications/${gathering}/self-assessment/${code}`, staff.token, { rating: 'compliance', statement: `Written through instance ${index % 2}` })),
    );

    expect(answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
    const stored = await app.call('GET', `/api/applications/${gathering}/self-assessment?limit=500`, staff.token);
    expect(stored.body.total).toBe(codes.length);
    for (const [index, code] of codes.entries()) {
      const row = stored.body.items.find((item: { code: string }) => item.code === code);
      expect(row?.statement, code).toBe(`Written through instance ${index % 2}`);
    }
  });

  it('numbers concurrent revisions without a gap', async () => {
    const created = await call(instances[0].url, 'POST', `/api/applications/${gathering}/evidence`, staff.token, { kind: 'note', title: 'Opening hours', body: 'Hours.', elements: [{ code: '1.1.1' }] });
    const url = `/api/applications/${gathering}/evidence/${created.body.id}`;

    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => call(instances[index % 2].url, 'PATCH', url, staff.token, { title: `Opening hours ${index}` })));

    expect(answers.map((answer) => answer.status).filter((status) => status !== 200 && status !== 409)).toEqual([]);
    const accepted = answers.filter((answer) => answer.status === 200);
    const history = await app.call('GET', `${url}/history`, staff.token);
    const numbers = history.body.items.map((revision: { number: number }) => revision.number);
    expect(numbers).toEqual(numbers.map((_: number, index: number) => index + 1));
    expect(numbers).toHaveLength(1 + accepted.length);
    expect(accepted.map((answer) => answer.body.revision).sort((a, b) => a - b)).toEqual(numbers.slice(1));
    for (const answer of accepted) {
      expect(history.body.items.find((revision: { number: number }) => revision.number === answer.body.revision).title).toBe(answer.body.title);
    }
  });

  it('has the separate worker complete the renders', { timeout: 180_000 }, async () => {
    const [submitting] = inPeerReview;
    const state = (await app.call('GET', `/api/applications/${submitting}`, quality.token)).body.state;
    if (state !== 'peerReview.inReview') await send(submitting, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, submitting, mentor.token, elementCodes(app));
    await send(submitting, mentor.token, { type: 'review.approve' });
    const submitted = await call(instances[0].url, 'POST', `/api/applications/${submitting}/events`, staff.token, { type: 'submit' });
    const draft = await call(instances[1].url, 'POST', `/api/applications/${gathering}/portfolio`, staff.token, {});
    expect(submitted.status).toBe(200);
    expect(draft.status).toBe(202);

    const [submittedRenders, draftRenders] = await Promise.all([waitForRenders(submitting, 1), waitForRenders(gathering, 1)]);

    for (const render of [...submittedRenders, ...draftRenders]) {
      expect(render.status, render.id).toBe('ready');
      expect(worker.output(), render.id).toContain(`"renderId":"${render.id}"`);
      for (const instance of instances) expect(instance.output(), render.id).not.toContain('"msg":"portfolio render started"');
    }
    const pdf = await fetch(`${instances[1].url}/api/applications/${submitting}/portfolio/${submittedRenders[0].id}/pdf`, { headers: { authorization: `Bearer ${staff.token}` } });
    expect(pdf.status).toBe(200);
    expect(createHash('sha256').update(new Uint8Array(await pdf.arrayBuffer())).digest('hex')).toBe(submittedRenders[0].sha256);
  });
});
