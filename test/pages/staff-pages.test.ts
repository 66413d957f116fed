import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import type { Part } from '../support/multipart.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';
const STANDARD = 'library-service-mark';

describe('staff pages', () => {
  let app: TestApp;
  let staff: TestPerson;
  let otherStaff: TestPerson;
  let qualityOnly: TestPerson;

  /** Creates an application of the staff member's library through the API, started unless `draft`. */
  const newApplication = async (draft = false): Promise<string> => {
    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: STANDARD, cycle: 'initial' });
    if (created.status !== 201) throw new Error(`creating an application failed: ${created.status} ${JSON.stringify(created.body)}`);
    if (!draft) await app.call('POST', `/api/applications/${created.body.id}/events`, staff.token, { type: 'start' });
    return created.body.id;
  };

  const signedIn = async (person: TestPerson): Promise<PageClient> => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };

  const evidenceOf = async (applicationId: string) => (await app.call('GET', `/api/applications/${applicationId}/evidence`, staff.token)).body.items as { kind: string; title: string; elements: { code: string }[] }[];
  const ratingsOf = async (applicationId: string) => (await app.call('GET', `/api/applications/${applicationId}/self-assessment`, staff.token)).body.items as { code: string; rating: string; statement: string }[];

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Northgate Library'));
    otherStaff = await app.person(['library_staff'], await app.library('Southfield Library'));
    qualityOnly = await app.person(['quality_group']);
    for (const person of [staff, otherStaff, qualityOnly]) await setPassword(app.db.em.fork(), person.email, PASSWORD);
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('renders each page for own staff', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);

    const list = await client.get('/applications');
    expect(list.status).toBe(200);
    expect(list.html).toContain('Library Service Mark');
    expect(list.html).toContain('Add evidence and a self-rating for every element, then ask for peer review.');
    expect(list.html).toContain('Start a new application');

    const overview = await client.get(`/applications/${id}`);
    expect(overview.status).toBe(200);
    expect(overview.html).toContain('<progress id="progress-A" max="2" value="0">');
    expect(overview.html).toContain('Started gathering evidence');

    const element = await client.get(`/applications/${id}/elements/A.1`);
    expect(element.status).toBe(200);
    expect(element.html).toContain('Staff greet visitors and offer help');
    expect(element.html).toContain('id="rating-met"');

    const matrix = await client.get(`/applications/${id}/matrix`);
    expect(matrix.status).toBe(200);
    expect(matrix.html).toContain(`href="/applications/${id}/matrix.csv"`);
  });

  it('hides pages from staff of another library', async () => {
    const id = await newApplication();
    const client = await signedIn(otherStaff);

    for (const path of [`/applications/${id}`, `/applications/${id}/elements/A.1`, `/applications/${id}/matrix`, `/applications/${id}/matrix.csv`]) {
      expect((await client.get(path)).status, path).toBe(404);
    }
    expect((await client.get('/applications')).html).not.toContain(id);
  });

  it('forbids pages to the quality group alone', async () => {
    const id = await newApplication();
    const client = await signedIn(qualityOnly);

    for (const path of ['/applications', `/applications/${id}`, `/applications/${id}/elements/A.1`, `/applications/${id}/matrix`]) {
      expect((await client.get(path)).status, path).toBe(403);
    }
  });

  it('sends to sign-in when signed out', async () => {
    const page = await new PageClient(app).get('/applications');

    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fapplications');
  });

  it('start button moves the state', async () => {
    const id = await newApplication(true);
    const client = await signedIn(staff);
    const list = await client.get('/applications');
    expect(list.html).toContain('Start gathering evidence');

    const posted = await client.post(`/applications/${id}/events`, { _csrf: PageClient.csrf(list.html), type: 'start', back: 'list' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/applications?done=event-start');
    expect((await app.call('GET', `/api/applications/${id}`, staff.token)).body.state).toBe('gatheringEvidence');
    expect((await client.get('/applications?done=event-start')).html).toContain('The application has started.');
  });

  it('refused event shows the reason', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}`);

    const posted = await client.post(`/applications/${id}/events`, { _csrf: PageClient.csrf(page.html), type: 'review.request', back: 'application' });
    expect(posted.status).toBe(409);
    expect(posted.html).toContain('role="alert"');
    expect((await app.call('GET', `/api/applications/${id}`, staff.token)).body.state).toBe('gatheringEvidence');
  });

  it('rating form saves a rating', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/A.1`);

    const posted = await client.post(`/applications/${id}/elements/A.1/rating`, { _csrf: PageClient.csrf(page.html), rating: 'met', statement: 'Greeters at every door.' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/applications/${id}/elements/A.1?done=rating-saved`);
    expect(await ratingsOf(id)).toMatchObject([{ code: 'A.1', rating: 'met', statement: 'Greeters at every door.' }]);
    const after = await client.get(posted.headers.get('location')!);
    expect(after.html).toContain('The self-rating was saved.');
    expect(after.html).toMatch(/id="rating-met"[^>]*checked/);
  });

  it('rating form without a choice links the error', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/A.1`);

    const posted = await client.post(`/applications/${id}/elements/A.1/rating`, { _csrf: PageClient.csrf(page.html), statement: 'Kept text' });
    expect(posted.status).toBe(422);
    expect(posted.html).toContain('<a href="#rating-met">Choose a self-rating.</a>');
    expect(posted.html).toContain('Kept text');
    expect(await ratingsOf(id)).toEqual([]);
  });

  it('note form adds an item', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/B.1`);

    const posted = await client.post(`/applications/${id}/elements/B.1/evidence`, { _csrf: PageClient.csrf(page.html), title: 'Enquiry log', body: 'Answered within two days: 97%.', url: '' });
    expect(posted.status).toBe(303);
    expect(await evidenceOf(id)).toMatchObject([{ kind: 'note', title: 'Enquiry log', elements: [{ code: 'B.1' }] }]);
    expect((await client.get(`/applications/${id}/elements/B.1`)).html).toContain('Enquiry log');
  });

  it('note form rejects a script link', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/B.1`);

    const posted = await client.post(`/applications/${id}/elements/B.1/evidence`, { _csrf: PageClient.csrf(page.html), title: 'Bad', body: '', url: 'javascript:alert(1)' });
    expect(posted.status).toBe(422);
    expect(posted.html).toContain('href="#evidence-url"');
    expect(await evidenceOf(id)).toEqual([]);
  });

  it('upload form adds a file item', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/B.2`);

    const posted = await client.postMultipart(`/applications/${id}/elements/B.2/upload`, [
      { name: '_csrf', body: PageClient.csrf(page.html) },
      { name: 'title', body: 'Complaints log' },
      { name: 'file', fileName: 'complaints.txt', type: 'text/plain', body: 'Logged and answered within ten days.\n' },
    ]);
    expect(posted.status).toBe(303);
    expect(await evidenceOf(id)).toMatchObject([{ kind: 'file', title: 'Complaints log', elements: [{ code: 'B.2' }] }]);
    const after = await client.get(`/applications/${id}/elements/B.2`);
    const download = /href="(\/applications\/[^"]+\/file)"/.exec(after.html)![1];
    expect(await (await client.get(download)).html).toBe('Logged and answered within ten days.\n');
  });

  it('upload without a file links the error', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/B.2`);

    const posted = await client.postMultipart(`/applications/${id}/elements/B.2/upload`, [
      { name: '_csrf', body: PageClient.csrf(page.html) },
      { name: 'file', fileName: '', type: 'application/octet-stream', body: '' },
    ]);
    expect(posted.status).toBe(422);
    expect(posted.html).toContain('href="#upload-file"');
  });

  it('upload without a token changes nothing', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);

    const posted = await client.postMultipart(`/applications/${id}/elements/B.2/upload`, [{ name: 'file', fileName: 'a.txt', type: 'text/plain', body: 'text' }]);
    expect(posted.status).toBe(403);
    expect(await evidenceOf(id)).toEqual([]);
  });

  it('post without a token changes nothing', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    await client.get(`/applications/${id}/elements/A.1`);

    const rating = await client.post(`/applications/${id}/elements/A.1/rating`, { rating: 'met', statement: 'x' });
    const note = await client.post(`/applications/${id}/elements/A.1/evidence`, { title: 'x', body: 'x' });
    expect(rating.status).toBe(403);
    expect(note.status).toBe(403);
    expect(await ratingsOf(id)).toEqual([]);
    expect(await evidenceOf(id)).toEqual([]);
  });

  it('post from another origin is rejected', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/A.1`);

    const posted = await client.post(`/applications/${id}/elements/A.1/rating`, { _csrf: PageClient.csrf(page.html), rating: 'met' }, { origin: 'https://evil.example' });
    expect(posted.status).toBe(403);
    expect(await ratingsOf(id)).toEqual([]);
  });

  it('missing filter lists only incomplete elements', async () => {
    const id = await newApplication();
    await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'note', title: 'Welcome desk rota', body: 'Staffed all day.', elements: [{ code: 'A.1' }] });
    await app.call('PUT', `/api/applications/${id}/self-assessment/A.1`, staff.token, { rating: 'met' });
    const client = await signedIn(staff);

    const all = await client.get(`/applications/${id}`);
    const missing = await client.get(`/applications/${id}?show=missing`);
    expect(all.html).toContain(`/elements/A.1"`);
    expect(missing.html).not.toContain(`/elements/A.1"`);
    for (const code of ['A.2', 'B.1', 'B.2', 'B.3']) expect(missing.html).toContain(`/elements/${code}"`);
    expect(missing.html).toContain('<progress id="progress-A" max="2" value="1">');
  });

  it('maps existing evidence to an element', async () => {
    const id = await newApplication();
    await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'note', title: 'Signage audit', body: 'All signs checked.', elements: [{ code: 'A.1', note: 'Audit' }] });
    const [item] = (await app.call('GET', `/api/applications/${id}/evidence`, staff.token)).body.items;
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/A.2`);
    expect(page.html).toContain(`<option value="${item.id}">Signage audit (Note)</option>`);

    const posted = await client.post(`/applications/${id}/elements/A.2/map`, { _csrf: PageClient.csrf(page.html), evidenceId: item.id });
    expect(posted.status).toBe(303);
    expect((await evidenceOf(id))[0].elements).toEqual([{ code: 'A.1', note: 'Audit' }, { code: 'A.2', note: '' }]);
  });

  it('reply joins the comment thread', async () => {
    const id = await newApplication();
    const comment = await app.call('POST', `/api/applications/${id}/review/elements/A.1/comments`, staff.token, { body: 'Is the rota enough?' });
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/elements/A.1`);
    expect(page.html).toContain(`id="reply-${comment.body.id}"`);

    const posted = await client.post(`/applications/${id}/elements/A.1/comments`, { _csrf: PageClient.csrf(page.html), parentId: comment.body.id, body: 'We added the training record.' });
    expect(posted.status).toBe(303);
    const comments = (await app.call('GET', `/api/applications/${id}/review/elements/A.1/comments`, staff.token)).body.items;
    expect(comments).toMatchObject([{ body: 'Is the rota enough?' }, { body: 'We added the training record.', parentId: comment.body.id }]);
  });

  it('draft portfolio request queues a render', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}`);

    const posted = await client.post(`/applications/${id}/portfolio`, { _csrf: PageClient.csrf(page.html) });
    expect(posted.status).toBe(303);
    const renders = (await app.call('GET', `/api/applications/${id}/portfolio`, staff.token)).body.items;
    expect(renders).toMatchObject([{ kind: 'draft', status: 'queued' }]);
    expect((await client.get(`/applications/${id}`)).html).toContain('Waiting to start');
    expect((await client.get(`/applications/${id}/portfolio/${renders[0].id}.pdf`)).status).toBe(409);
  });

  it('matrix dry run lists row errors', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/matrix`);
    const csv = 'Element,Title,Notes\nA.1,Welcome desk rota,Staffed all day\nZ.9,Unknown element,Bad code\n';

    const posted = await client.postMultipart(`/applications/${id}/matrix`, [
      { name: '_csrf', body: PageClient.csrf(page.html) },
      { name: 'mode', body: 'check' },
      { name: 'file', fileName: 'matrix.csv', type: 'text/csv', body: csv },
    ]);
    expect(posted.status).toBe(422);
    expect(posted.html).toContain('Rows that need fixing');
    expect(posted.html).toMatch(/<tr><td>3<\/td><td>Element<\/td><td>[^<]*Z\.9/);
    expect(await evidenceOf(id)).toEqual([]);
  });

  it('matrix check then import', async () => {
    const id = await newApplication();
    const client = await signedIn(staff);
    const page = await client.get(`/applications/${id}/matrix`);
    const csv = 'Element,Title,Notes\nA.1,Welcome desk rota,Staffed all day\n';
    const parts = (mode: string): Part[] => [
      { name: '_csrf', body: PageClient.csrf(page.html) },
      { name: 'mode', body: mode },
      { name: 'file', fileName: 'matrix.csv', type: 'text/csv', body: csv },
    ];

    const checked = await client.postMultipart(`/applications/${id}/matrix`, parts('check'));
    expect(checked.status).toBe(200);
    expect(checked.html).toContain('1 evidence item would be imported');
    expect(await evidenceOf(id)).toEqual([]);

    const imported = await client.postMultipart(`/applications/${id}/matrix`, parts('import'));
    expect(imported.status).toBe(303);
    expect(await evidenceOf(id)).toMatchObject([{ title: 'Welcome desk rota' }]);
    const exported = await client.get(`/applications/${id}/matrix.csv`);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    expect(exported.html).toContain('Welcome desk rota');
  });

  it('creates an application from the form', async () => {
    const client = await signedIn(staff);
    const page = await client.get('/applications');

    const posted = await client.post('/applications', { _csrf: PageClient.csrf(page.html), standardId: STANDARD, cycle: 'annual_review' });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(/^\/applications\/[0-9a-f-]{36}\?done=created$/);
    const created = await app.call('GET', `/api/applications/${location.split('/')[2].split('?')[0]}`, staff.token);
    expect(created.body).toMatchObject({ state: 'draft', cycle: 'annual_review', libraryId: staff.libraryId });
  });

  it('ignores an unknown done key', async () => {
    const client = await signedIn(staff);
    const page = await client.get('/applications?done=%3Cscript%3Ealert(1)%3C/script%3E');

    expect(page.status).toBe(200);
    expect(page.html).not.toContain('alert(1)');
    expect(page.html).not.toContain('role="status"');
  });
});
