import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { QualityFixtures } from '../support/quality-fixtures.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';
const DAY_MS = 24 * 60 * 60 * 1000;
// A day in the past, because the lifecycle rejects a report dated after today.
const REPORT_DATE = '2026-03-31';

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

describe('quality group pages in words', () => {
  let app: TestApp;
  let fixtures: QualityFixtures;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let codes: string[];

  const signedIn = async (person: TestPerson) => {
    const client = new PageClient(app);
    await client.signIn(person.email, PASSWORD);
    return client;
  };
  const send = async (applicationId: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${applicationId}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };

  beforeAll(async () => {
    app = await createTestApp();
    fixtures = await QualityFixtures.open(app);
    codes = elementCodes(app);
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    for (const person of [staff, quality]) await setPassword(app.db.em.fork(), person.email, PASSWORD);

    const thornbury = await app.library('Thornbury University Library');
    const accredited = await fixtures.application({ libraryId: thornbury, state: 'accredited' });
    await fixtures.application({ libraryId: thornbury, state: 'draft', cycle: 'annual_review', previousApplicationId: accredited, dueOn: isoDay(30) });
    const kingsmere = await app.library('Kingsmere University Library');
    const accreditedBefore = await fixtures.application({ libraryId: kingsmere, state: 'accredited' });
    await fixtures.application({ libraryId: kingsmere, state: 'draft', cycle: 'reassessment', previousApplicationId: accreditedBefore, dueOn: isoDay(60) });
  });

  afterAll(async () => {
    await fixtures?.close();
    await app?.dispose();
  });

  describe('dashboard', () => {
    it('names the heatmap standard by its title', async () => {
      const page = await (await signedIn(quality)).get('/dashboard');

      expect(page.html).toContain('<h2 id="heatmap-heading">Libraries against criteria: Customer Service Excellence</h2>');
      expect(page.html).not.toContain('Libraries against criteria: cse');
    });

    it('lists the next reviews of a cycle as due', async () => {
      const page = await (await signedIn(quality)).get('/dashboard');

      expect(page.html).toContain('Thornbury University Library, Customer Service Excellence: annual review due');
      expect(page.html).toContain('Kingsmere University Library, Customer Service Excellence: reassessment due');
      expect(page.html).not.toContain('accreditation expires');
    });
  });

  describe('application page after the outcome', () => {
    let id: string;

    beforeAll(async () => {
      const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' });
      id = created.body.id;
      await send(id, staff.token, { type: 'start' });
      await completeEvidence(app.call, id, staff.token, codes);
      await send(id, staff.token, { type: 'review.request' });
      await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
      await reviewAll(app.call, id, mentor.token, codes);
      await send(id, mentor.token, { type: 'review.approve' });
      await send(id, staff.token, { type: 'submit' });

      const client = await signedIn(quality);
      const form = await client.get(`/dashboard/applications/${id}`);
      const ratings = { [`rating-${codes[0]}`]: 'compliance_plus', [`rating-${codes[1]}`]: 'compliance_plus', [`rating-${codes[2]}`]: 'partial_compliance' };
      const recorded = await client.post(`/dashboard/applications/${id}/outcome`, { _csrf: PageClient.csrf(form.html), reportDate: REPORT_DATE, certificationBody: 'Assessment Services Ltd', defaultRating: 'compliance', ...ratings });
      if (recorded.status !== 303) throw new Error(`recording the outcome failed: ${recorded.status}`);
    });

    it('shows the recorded outcome instead of the explanation', async () => {
      const page = await (await signedIn(quality)).get(`/dashboard/applications/${id}`);

      expect(page.html).not.toContain('The assessor’s outcome can be recorded once the library has submitted');
      expect(page.html).toContain('<dt>Report date</dt><dd>31 Mar 2026</dd>');
      expect(page.html).toContain('<dt>Certification body</dt><dd>Assessment Services Ltd</dd>');
      expect(page.html).toContain('<dt>Result</dt><dd><span class="tag">Accredited</span></dd>');
    });

    it('counts the ratings with the standard’s labels', async () => {
      const page = await (await signedIn(quality)).get(`/dashboard/applications/${id}`);

      expect(page.html).toContain('<tr><th scope="row">Compliance Plus</th><td>2</td></tr>');
      expect(page.html).toContain(`<tr><th scope="row">Compliance</th><td>${codes.length - 3}</td></tr>`);
      expect(page.html).toContain('<tr><th scope="row">Partial Compliance</th><td>1</td></tr>');
      expect(page.html).toContain('<tr><th scope="row">Non-Compliance</th><td>0</td></tr>');
    });

    it('formats the report date in the history', async () => {
      const page = await (await signedIn(quality)).get(`/dashboard/applications/${id}`);

      expect(page.html).toContain('Report of 31 Mar 2026 from Assessment Services Ltd');
      expect(page.html).not.toContain(`Report of ${REPORT_DATE}`);
    });
  });
});
