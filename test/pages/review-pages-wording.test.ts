import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { completeEvidence, elementCodes, markNeedsWork } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('pages of an application in review', () => {
  let app: TestApp;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let id: string;
  let codes: string[];

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  const send = async (token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const verdictOf = async (code: string) => {
    const round = (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items.at(-1);
    return round.verdicts.find((verdict: { code: string }) => verdict.code === code) ?? null;
  };

  beforeAll(async () => {
    app = await createTestApp();
    codes = elementCodes(app);
    staff = await app.person(['library_staff'], await app.library('Kingsmere University Library'));
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    for (const person of [staff, mentor]) await setPassword(app.db.em.fork(), person.email, PASSWORD);

    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'reassessment' });
    id = created.body.id;
    await send(staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, codes);
    const link = await app.call('POST', `/api/applications/${id}/evidence`, staff.token, { kind: 'link', title: 'Service charter', url: 'https://kingsmere.example.ac.uk/charter', elements: [{ code: codes[0] }] });
    if (link.status !== 201) throw new Error(`adding a link failed: ${link.status}`);
    await send(staff.token, { type: 'review.request' });
    await send(quality.token, { type: 'mentor.assign', mentorId: mentor.id });
  });

  afterAll(async () => {
    await app?.dispose();
  });

  describe('staff element page', () => {
    it('shows the rating read-only when not editable', async () => {
      const client = await signedIn(staff);
      const page = await client.get(`/applications/${id}/elements/${codes[0]}`);

      expect(page.status).toBe(200);
      expect(page.html).not.toContain(`action="/applications/${id}/elements/${codes[0]}/rating"`);
      expect(page.html).not.toContain('Save the self-rating');
      expect(page.html).toContain('<dt>Self-rating</dt><dd>Compliance</dd>');
      expect(page.html).toContain(`<dd class="note-body">We meet ${codes[0]}.</dd>`);
    });

    it('keeps the comment form, which addComment accepts in every state', async () => {
      const client = await signedIn(staff);
      const page = await client.get(`/applications/${id}/elements/${codes[0]}`);

      expect(page.html).toContain(`action="/applications/${id}/elements/${codes[0]}/comments"`);
      const sent = await client.post(`/applications/${id}/elements/${codes[0]}/comments`, { _csrf: PageClient.csrf(page.html), body: 'The charter was renewed in May.' });
      expect(sent.status).toBe(303);
    });
  });

  describe('mentor pages', () => {
    it('shows the cycle on the assignments list', async () => {
      const client = await signedIn(mentor);
      const page = await client.get('/assignments');

      expect(page.html).toContain('<th scope="col">Cycle</th>');
      expect(page.html).toContain('<td>Reassessment</td>');
    });

    it('shows the cycle on the assignment page', async () => {
      const client = await signedIn(mentor);
      const page = await client.get(`/assignments/${id}`);

      expect(page.html).toContain('<h1>Review of Kingsmere University Library</h1>');
      expect(page.html).toContain('<dt>Cycle</dt><dd>Reassessment</dd>');
    });

    it('names evidence kinds in words', async () => {
      const client = await signedIn(mentor);
      const page = await client.get(`/assignments/${id}/elements/${codes[0]}`);

      expect(page.html).toContain('<dt>Kind</dt><dd>Note</dd>');
      expect(page.html).toContain('<dt>Kind</dt><dd>Link</dd>');
      expect(page.html).not.toContain('<dd>note</dd>');
      expect(page.html).not.toContain('<dd>link</dd>');
    });

    it('rejects needs work without a comment', async () => {
      const client = await signedIn(mentor);
      const form = await client.get(`/assignments/${id}/elements/${codes[2]}`);
      const response = await client.post(`/assignments/${id}/elements/${codes[2]}/verdict`, { _csrf: PageClient.csrf(form.html), verdict: 'needs_work', comment: '  ', suggestedRating: '' });

      expect(response.status).toBe(422);
      expect(response.html).toContain('<a href="#verdict-comment">Say what needs work in the comment on this element, so that the library knows what to change.</a>');
      expect(response.html).toContain('aria-describedby="verdict-comment-hint verdict-comment-error" aria-invalid="true"');
      expect(response.html).toMatch(/id="verdict-needs_work" name="verdict" value="needs_work" aria-describedby="verdict-needs_work-hint" checked/);
      expect(await verdictOf(codes[2])).toBeNull();
    });

    it('saves needs work with a comment', async () => {
      const client = await signedIn(mentor);
      const form = await client.get(`/assignments/${id}/elements/${codes[2]}`);
      const response = await client.post(`/assignments/${id}/elements/${codes[2]}/verdict`, { _csrf: PageClient.csrf(form.html), verdict: 'needs_work', comment: 'Add this year’s survey.', suggestedRating: '' });

      expect(response.status).toBe(303);
      expect((await verdictOf(codes[2])).verdict).toBe('needs_work');
    });

    it('counts verdicts in singular and plural', async () => {
      const client = await signedIn(mentor);
      const page = await client.get(`/assignments/${id}`);
      expect(page.html).toContain(`0 of ${codes.length} elements are marked OK and 1 is marked needs work in this round.`);

      await app.call('PUT', `/api/applications/${id}/review/elements/${codes[3]}`, mentor.token, { verdict: 'ok' });
      await markNeedsWork(app.call, id, mentor.token, codes[4]);
      const later = await client.get(`/assignments/${id}`);
      expect(later.html).toContain(`1 of ${codes.length} elements is marked OK and 2 are marked needs work in this round.`);
    });

    it('explains a refused approval in words', async () => {
      const client = await signedIn(mentor);
      const page = await client.get(`/assignments/${id}`);
      const response = await client.post(`/assignments/${id}/approve`, { _csrf: PageClient.csrf(page.html) });

      expect(response.status).toBe(409);
      expect(response.html).toContain(`Approving needs every element reviewed and none marked needs work; marked needs work: ${codes[2]}, ${codes[4]};`);
      expect(response.html).not.toContain('needs_work;');
      expect(response.html).not.toContain('marked needs_work');
    });
  });
});
