import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { startRenderWorker } from '../../src/portfolio/render-worker.ts';
import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'a long pass phrase of several words';

describe('staff portfolio download', () => {
  let app: TestApp;
  let staff: TestPerson;
  let worker: { stop: () => Promise<void> };

  beforeAll(async () => {
    app = await createTestApp({ COOKIE_SECURE: 'false' });
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    await setPassword(app.db.em.fork(), staff.email, PASSWORD);
    worker = await startRenderWorker({ ...app, em: app.db.em, log: app.logger });
  });

  afterAll(async () => {
    await worker.stop();
    await app.dispose();
  });

  it('requests a draft and downloads it', { timeout: 120_000 }, async () => {
    const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id;
    const client = new PageClient(app);
    await client.signIn(staff.email, PASSWORD);

    const page = await client.get(`/applications/${id}`);
    const requested = await client.post(`/applications/${id}/portfolio`, { _csrf: PageClient.csrf(page.html) });
    expect(requested.status).toBe(303);

    let render: { id: string; status: string } | undefined;
    const deadline = Date.now() + 90_000;
    while (render?.status !== 'ready' && render?.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      render = (await app.call('GET', `/api/applications/${id}/portfolio`, staff.token)).body.items[0];
    }
    expect(render?.status).toBe('ready');

    const listed = await client.get(`/applications/${id}`);
    const link = new RegExp(`href="(/applications/${id}/portfolio/${render!.id}[^"]*)"`).exec(listed.html)?.[1];
    expect(link).toBeDefined();
    const response = await app.app.request(`http://127.0.0.1${link}`, { headers: { cookie: [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode((await response.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
  });
});
