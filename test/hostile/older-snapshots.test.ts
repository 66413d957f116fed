import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { fillPath, listOperations, readOpenApi, type Operation } from '../support/openapi-operations.ts';
import { replayApplication } from '../support/replay.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * Snapshots as an older machine version stored them. No snapshot migration is
 * registered yet, so the service must refuse both with a 409 wherever it
 * restores one, and handle everything else as usual.
 */
const OLDER: [string, string][] = [
  ['version 0 in a state that still exists', `update application set machine_version = 0 where id = ?`],
  ['version 0 in a renamed state', `update application set machine_version = 0, snapshot = jsonb_set(snapshot, '{value}', '"collectingEvidence"') where id = ?`],
];

describe.each(OLDER)('application stored by machine %s', (_name, sql) => {
  let app: TestApp;
  let staff: TestPerson;
  let quality: TestPerson;
  let older: string;
  let current: string;
  let evidenceId: string;
  let operations: Operation[];

  const newApplication = async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    return id;
  };

  beforeAll(async () => {
    app = await createTestApp({ RENDER_IN_SERVICE: 'false' });
    const library = await app.library();
    staff = await app.person(['library_staff'], library);
    quality = await app.person(['quality_group']);
    for (const person of [staff, quality]) await setPassword(app.db.em.fork(), person.email, PASSWORD);

    older = await newApplication();
    current = await newApplication();
    evidenceId = (await app.call('POST', `/api/applications/${older}/evidence`, staff.token, { kind: 'note', title: 'Opening hours', body: 'Hours.', elements: [{ code: '1.1.1' }] })).body.id;
    await app.db.em.getConnection().execute(sql, [older]);
    operations = listOperations(await readOpenApi(app)).filter((operation) => operation.path.startsWith('/api/applications/{id}'));
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('refuses to restore it with a 409', async () => {
    const read = await app.call('GET', `/api/applications/${older}`, staff.token);

    expect(read.status).toBe(409);
    expect(read.body.code).toBe('snapshot_incompatible');
    expect(read.body.detail).toContain(older);
  });

  it('writes nothing for a refused event', async () => {
    const before = await replayApplication(app.databaseUrl, older);

    const sent = await app.call('POST', `/api/applications/${older}/events`, staff.token, { type: 'withdraw' });

    expect(sent.status).toBe(409);
    expect(sent.body.code).toBe('snapshot_incompatible');
    const after = await replayApplication(app.databaseUrl, older);
    expect(after.events).toEqual(before.events);
    expect(after.application.snapshot).toEqual(before.application.snapshot);
  });

  it('every application route: no 5xx', async () => {
    for (const operation of operations) {
      for (const person of [staff, quality]) {
        const url = fillPath(operation.path, { id: older, evidenceId, code: '1.1.1', commentId: evidenceId, renderId: evidenceId });
        const response = await app.call(operation.method, url, person.token, operation.jsonBody === null ? undefined : {});
        const context = `${operation.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;

        expect(response.status, context).toBeLessThan(500);
        if (response.status >= 400) expect(response.headers.get('content-type'), context).toBe('application/problem+json');
      }
    }
  });

  it('still lists it beside current ones', async () => {
    const listed = await app.call('GET', '/api/applications?limit=500', quality.token);

    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([older, current]));
  });

  it('leaves other applications working', async () => {
    const read = await app.call('GET', `/api/applications/${current}`, staff.token);
    const sent = await app.call('POST', `/api/applications/${current}/events`, staff.token, { type: 'withdraw' });

    expect(read.status).toBe(200);
    expect(sent.status).toBe(200);
  });

  it('staff list: other applications stay listed', async () => {
    const client = new PageClient(app);
    await client.signIn(staff.email, PASSWORD);

    const page = await client.get('/applications');

    expect(page.status).toBe(200);
    expect(page.html).toContain('Cannot be shown');
    expect(page.html).toContain(`/applications/${current}`);
  });

  it.each([
    ['staff list', '/applications', 'staff'],
    ['staff application', '/applications/{id}', 'staff'],
    ['quality dashboard', '/dashboard', 'quality'],
  ] as const)('%s page: no 5xx', async (_page, path, who) => {
    const client = new PageClient(app);
    await client.signIn((who === 'staff' ? staff : quality).email, PASSWORD);

    const page = await client.get(path.replace('{id}', older));

    expect(page.status, page.html.slice(0, 300)).toBeLessThan(500);
  });
});
