import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { elementCodes } from '../support/lifecycle.ts';
import { applicationInReview } from '../support/review.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('mentor pages', () => {
  let app: TestApp;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let otherMentor: TestPerson;
  let id: string;
  let code: string;
  let lastCode: string;

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  const openRound = async () => (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items.at(-1);

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    otherMentor = await app.person(['mentor'], await app.library('Harbour Institute Library'));
    for (const person of [staff, mentor, otherMentor]) await setPassword(app.db.em.fork(), person.email, PASSWORD);
    id = await applicationInReview(app, staff, quality, mentor);
    [code] = elementCodes(app);
    lastCode = elementCodes(app).at(-1)!;
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('lists the assignment', async () => {
    const client = await signedIn(mentor);
    const page = await client.get('/assignments');

    expect(page.status).toBe(200);
    expect(page.html).toContain(`href="/assignments/${id}"`);
    expect(page.html).toContain('Northgate University Library');
    expect(page.html).toContain('In peer review');
    expect(page.html).toContain('Round 1, open');
  });

  it('shows the open round', async () => {
    const client = await signedIn(mentor);
    const page = await client.get(`/assignments/${id}`);

    expect(page.status).toBe(200);
    expect(page.html).toContain(`href="/assignments/${id}/elements/${code}"`);
    expect(page.html).toContain('No verdict yet');
    expect(page.html).toContain('This is the first round');
    expect(page.html).toContain(`action="/assignments/${id}/approve"`);
    expect(page.html).toContain('Approving needs every element reviewed and none marked needs work');
  });

  it('shows an element', async () => {
    const client = await signedIn(mentor);
    const page = await client.get(`/assignments/${id}/elements/${code}`);

    expect(page.status).toBe(200);
    expect(page.html).toContain('Customer insight and service standards pack');
    expect(page.html).toContain(`We meet ${code}.`);
    expect(page.html).toContain('<legend>Verdict on');
    expect(page.html).toContain(`action="/assignments/${id}/elements/${code}/verdict"`);
  });

  it('hides the assignment from another mentor', async () => {
    const client = await signedIn(otherMentor);

    expect((await client.get(`/assignments/${id}`)).status).toBe(404);
    expect((await client.get(`/assignments/${id}/elements/${code}`)).status).toBe(404);
    const assignments = await client.get('/assignments');
    expect(assignments.status).toBe(200);
    expect(assignments.html).not.toContain(id);
  });

  it('forbids people without the mentor role', async () => {
    const client = await signedIn(staff);

    expect((await client.get('/assignments')).status).toBe(403);
    expect((await client.get(`/assignments/${id}`)).status).toBe(403);
  });

  it('returns 404 for an unknown element', async () => {
    const client = await signedIn(mentor);

    expect((await client.get(`/assignments/${id}/elements/9.9.9`)).status).toBe(404);
  });

  it('rejects a post without _csrf', async () => {
    const client = await signedIn(mentor);
    const response = await client.post(`/assignments/${id}/elements/${code}/verdict`, { verdict: 'ok', comment: '' });

    expect(response.status).toBe(403);
    expect((await openRound()).verdicts).toEqual([]);
  });

  it('saves a verdict from the form', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}/elements/${code}`);
    const response = await client.post(`/assignments/${id}/elements/${code}/verdict`, {
      _csrf: PageClient.csrf(form.html),
      verdict: 'needs_work',
      comment: 'Add this year’s survey results.',
      suggestedRating: '',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/assignments/${id}/elements/${code}?done=verdict-saved`);
    expect((await openRound()).verdicts).toMatchObject([{ code, verdict: 'needs_work', comment: 'Add this year’s survey results.', suggestedRating: null }]);
    const after = await client.get(`/assignments/${id}/elements/${code}?done=verdict-saved`);
    expect(after.html).toContain('Your verdict is saved.');
    expect(after.html).toMatch(/id="verdict-needs_work"[^>]*checked/);
  });

  it('rejects an unknown verdict value', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}/elements/${lastCode}`);
    const response = await client.post(`/assignments/${id}/elements/${lastCode}/verdict`, { _csrf: PageClient.csrf(form.html), verdict: 'excellent', comment: '' });

    expect(response.status).toBe(422);
    expect(response.html).toContain('Choose a verdict');
    expect((await openRound()).verdicts).toHaveLength(1);
  });

  it('never echoes an unknown done key', async () => {
    const client = await signedIn(mentor);
    const page = await client.get(`/assignments/${id}?done=%3Cb%3Ehello`);

    expect(page.status).toBe(200);
    expect(page.html).not.toContain('hello');
  });

  it('adds and resolves a comment', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}/elements/${code}`);
    const added = await client.post(`/assignments/${id}/elements/${code}/comments`, { _csrf: PageClient.csrf(form.html), body: 'Is the <survey> from 2024?' });
    expect(added.status).toBe(303);

    const comments = (await app.call('GET', `/api/applications/${id}/review/elements/${code}/comments`, mentor.token)).body.items;
    expect(comments).toMatchObject([{ body: 'Is the <survey> from 2024?', resolvedAt: null }]);
    const thread = await client.get(`/assignments/${id}/elements/${code}`);
    expect(thread.html).toContain('Is the &lt;survey&gt; from 2024?');

    const resolved = await client.post(`/assignments/${id}/elements/${code}/comments/${comments[0].id}/resolve`, { _csrf: PageClient.csrf(thread.html), resolved: 'true' });
    expect(resolved.status).toBe(303);
    expect(resolved.headers.get('location')).toContain('?done=comment-resolved');
    const after = (await app.call('GET', `/api/applications/${id}/review/elements/${code}/comments`, mentor.token)).body.items;
    expect(after[0].resolvedBy).toMatchObject({ id: mentor.id });
  });

  it('refuses approval listing the missing elements', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}`);
    const response = await client.post(`/assignments/${id}/approve`, { _csrf: PageClient.csrf(form.html) });

    expect(response.status).toBe(409);
    expect(response.html).toContain('Approving needs every element reviewed and none marked needs work');
    expect(response.html).toContain(`marked needs work: ${code}`);
    expect(response.html).toContain('not reviewed:');
    expect(response.html).toContain(lastCode);
    const state = (await app.call('GET', `/api/applications/${id}`, mentor.token)).body.state;
    expect(state).toBe('peerReview.inReview');
  });

  it('refuses changes without a comment', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}`);
    const response = await client.post(`/assignments/${id}/request-changes`, { _csrf: PageClient.csrf(form.html), comment: '   ' });

    expect(response.status).toBe(409);
    expect(response.html).toContain('Requesting changes needs a comment');
  });

  it('requests changes on a needs-work element', async () => {
    const client = await signedIn(mentor);
    const form = await client.get(`/assignments/${id}`);
    const response = await client.post(`/assignments/${id}/request-changes`, { _csrf: PageClient.csrf(form.html), comment: 'Please strengthen the customer insight evidence.' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/assignments/${id}?done=changes-requested`);
    const application = (await app.call('GET', `/api/applications/${id}`, mentor.token)).body;
    expect(application.state).toBe('gatheringEvidence');
    const after = await client.get(`/assignments/${id}?done=changes-requested`);
    expect(after.html).toContain('Changes are requested.');
    expect(after.html).not.toContain(`action="/assignments/${id}/approve"`);
  });

  it('marks changes in the next round', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const uploaded = await app.upload(`/api/applications/${id}/evidence`, staff.token, [
      { name: 'title', body: 'Survey results 2025' },
      { name: 'elements', body: code },
      { name: 'file', fileName: 'survey.pdf', body: pdf },
    ]);
    expect(uploaded.status).toBe(201);
    const rated = await app.call('PUT', `/api/applications/${id}/self-assessment/${code}`, staff.token, { rating: 'compliance', statement: 'We now survey every year.' });
    expect(rated.status).toBe(200);
    expect((await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'review.request' })).body.state).toBe('peerReview.inReview');

    const client = await signedIn(mentor);
    const overview = await client.get(`/assignments/${id}`);
    expect(overview.html).toContain('Round 2, open');
    expect(overview.html).toContain('Elements changed since the last round: 1.');
    expect(overview.html).toContain('<strong>Changed:</strong> Evidence added: “Survey results 2025”; statement changed.');

    const element = await client.get(`/assignments/${id}/elements/${code}`);
    expect(element.html).toContain('Evidence added: “Survey results 2025”; statement changed.');
    const download = /href="(\/assignments\/[^"]+\/file)"/.exec(element.html);
    expect(download).not.toBeNull();
    const file = await client.get(download![1]);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('survey.pdf');

    const stranger = await signedIn(otherMentor);
    expect((await stranger.get(download![1])).status).toBe(404);
  });
});
