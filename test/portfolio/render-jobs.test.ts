import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRenderWorker } from '../../src/portfolio/render-worker.ts';
import { exportCsv } from '../../src/evidence/matrix/export-matrix.ts';
import { makePdf } from '../fixtures/files/make-files.ts';
import { makeCseMatrix } from '../fixtures/matrix/make-cse-matrix.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe('portfolio render jobs', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let worker: { stop: () => Promise<void> } | null = null;
  const processes: ServiceProcess[] = [];

  const renders = async (id: string) => (await app.call('GET', `/api/applications/${id}/portfolio`, quality.token)).body.items as any[];
  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${JSON.stringify(response.body)}`);
  };
  const readyToSubmit = async (large = false) => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await send(id, staff.token, { type: 'start' });
    if (large) {
      // 300 items make a render long enough to be caught in the middle.
      const imported = await app.upload(`/api/applications/${id}/evidence-matrix`, staff.token, [{ name: 'file', fileName: 'matrix.csv', body: exportCsv(makeCseMatrix()) }]);
      expect(imported.status).toBe(200);
    }
    await app.upload(`/api/applications/${id}/evidence`, staff.token, [{ name: 'title', body: 'Customer charter' }, { name: 'elements', body: '4.2.1' }, { name: 'file', fileName: 'charter.pdf', body: makePdf() }]);
    await completeEvidence(app.call, id, staff.token, elementCodes(app));
    await send(id, staff.token, { type: 'review.request' });
    await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
    await reviewAll(app.call, id, mentor.token, elementCodes(app));
    await send(id, mentor.token, { type: 'review.approve' });
    return id;
  };

  beforeAll(async () => {
    app = await createTestApp({ RENDER_EXPIRE_SECONDS: '4' });
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
  });

  afterAll(async () => {
    await worker?.stop();
    for (const service of processes) await service.kill('SIGKILL');
    await app.dispose();
  });

  it('queues a render with the submission', async () => {
    const id = await readyToSubmit();
    await send(id, staff.token, { type: 'submit' });

    const [render] = await renders(id);
    expect(render).toMatchObject({ kind: 'submitted', status: 'queued', includeAppendices: true });
    const submissions = await app.call('GET', `/api/applications/${id}/submissions`, quality.token);
    expect(render.submissionId).toBe(submissions.body.items[0].id);
  });

  it('renders a submitted portfolio once', { timeout: 180_000 }, async () => {
    worker = await startRenderWorker({ ...app, em: app.db.em, log: app.logger });
    const id = await readyToSubmit();
    await send(id, staff.token, { type: 'submit' });

    const [ready] = await waitFor(() => renders(id), (items) => items[0]?.status === 'ready' || items[0]?.status === 'failed', 120_000);
    expect(ready.status).toBe('ready');
    expect(ready.pages).toBeGreaterThan(5);
    const pdf = await app.raw('GET', `/api/applications/${id}/portfolio/${ready.id}/pdf`, staff.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(sha256(bytes)).toBe(ready.sha256);

    // A later draft leaves the submitted render's hash and bytes as they were.
    const draft = await app.call('POST', `/api/applications/${id}/portfolio`, quality.token, {});
    expect(draft.status).toBe(202);
    await waitFor(() => renders(id), (items) => items.every((item) => item.status === 'ready'), 120_000);
    const after = (await renders(id)).find((item) => item.id === ready.id);
    expect(after.sha256).toBe(ready.sha256);
    const again = new Uint8Array(await (await app.raw('GET', `/api/applications/${id}/portfolio/${ready.id}/pdf`, staff.token)).arrayBuffer());
    expect(again).toEqual(bytes);
  });

  it('renders a draft on request', { timeout: 180_000 }, async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id;
    const queued = await app.call('POST', `/api/applications/${id}/portfolio`, staff.token, { appendices: false });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ kind: 'draft', status: 'queued', includeAppendices: false });

    const [done] = await waitFor(() => renders(id), (items) => items[0]?.status === 'ready' || items[0]?.status === 'failed', 120_000);
    expect(done.status).toBe('ready');
  });

  it('prunes drafts but keeps the submission', async () => {
    const id = (await app.call('GET', '/api/applications?state=submitted', quality.token)).body.items[0].id;
    const [draft] = (await renders(id)).filter((item) => item.kind === 'draft' && item.status === 'ready');
    const [submitted] = (await renders(id)).filter((item) => item.kind === 'submitted');

    expect((await app.call('DELETE', `/api/applications/${id}/portfolio/${draft.id}`, staff.token)).status).toBe(204);
    const kept = await app.call('DELETE', `/api/applications/${id}/portfolio/${submitted.id}`, staff.token);
    expect(kept.status).toBe(409);
    expect(kept.body.detail).toContain('submitted portfolio');
    expect((await renders(id)).map((item) => item.id)).toEqual([submitted.id]);
  });

  it('serves the HTML preview without scripts', async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id;
    const preview = await app.raw('GET', `/api/applications/${id}/portfolio/preview`, staff.token);

    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await preview.text()).toContain('Northgate University Library');
  });

  it('refuses a PDF not ready yet', async () => {
    await worker?.stop();
    worker = null;
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id;
    const queued = await app.call('POST', `/api/applications/${id}/portfolio`, staff.token, {});
    const response = await app.call('GET', `/api/applications/${id}/portfolio/${queued.body.id}/pdf`, staff.token);

    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('queued');
  });

  it('completes a render after its worker is killed', { timeout: 240_000 }, async () => {
    const id = await readyToSubmit(true);
    await send(id, staff.token, { type: 'submit' });
    const env = { DATABASE_URL: app.databaseUrl, RENDER_EXPIRE_SECONDS: '4', OVERDUE_CHECK_SECONDS: '3600' };

    const first = await startService(env);
    processes.push(first);
    const started = await waitFor(() => renders(id), (items) => items[0]?.status !== 'queued', 60_000);
    await first.kill('SIGKILL');
    expect(started[0].status).toBe('rendering');
    expect((await renders(id))[0].status).toBe('rendering');

    const second = await startService(env);
    processes.push(second);
    const [done] = await waitFor(() => renders(id), (items) => items[0]?.status === 'ready' || items[0]?.status === 'failed', 180_000);
    expect(done.status).toBe('ready');
    expect(done.attempts).toBe(2);
    expect((await renders(id)).filter((item) => item.kind === 'submitted')).toHaveLength(1);
  });
});
