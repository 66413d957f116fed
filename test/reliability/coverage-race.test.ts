import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, elementCodes } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

describe('review request racing an evidence deletion', () => {
  let app: TestApp;
  let staff: TestPerson;
  let client: pg.Client;

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
    client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await app.dispose();
  });

  it('coverage is read after the deletion commits', async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
    await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, elementCodes(app));

    // A deletion in flight, holding the share lock on the application row as every evidence write does.
    await client.query('begin');
    await client.query('select id from application where id = $1 for share', [id]);
    await client.query('update evidence set deleted_at = now() where application_id = $1', [id]);
    const request = app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.query('commit');
    const answer = await request;

    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('guard_refused');
    expect((await app.call('GET', `/api/applications/${id}`, staff.token)).body.state).toBe('gatheringEvidence');
  });
});
