import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, seriousViolationsOfCopy, signedInPage } from '../support/browser.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('quality application page in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let staff: TestPerson;
  let quality: TestPerson;
  let mentor: TestPerson;
  let id: string;
  let codes: string[];

  const send = async (token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const statusText = (page: Page) => page.$eval('[role="status"]', (element) => element.textContent);

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    codes = elementCodes(app);
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    await app.person(['mentor'], await app.library('Harbour Institute Library'));
    await setPassword(app.db.em.fork(), quality.email, PASSWORD);

    id = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id;
    await send(staff.token, { type: 'start' });
    await completeEvidence(app.call, id, staff.token, codes);
    await send(staff.token, { type: 'review.request' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await app?.dispose();
  });

  it('assigns a mentor and records the outcome', async () => {
    const page = await signedInPage(browser, baseUrl, quality.email, PASSWORD);
    await page.setViewport({ width: 1280, height: 900 });
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    await Promise.all([page.waitForNavigation(), page.click(`a[href="/dashboard/applications/${id}"]`)]);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/applications/${id}`);
    expect(await page.$eval('h1', (heading) => heading.textContent)).toContain('Northgate University Library');
    await saveScreenshot(page, 'quality-application-awaiting-mentor');
    expect(await seriousViolations(page)).toEqual([]);

    // Choose the mentor by their label, as a person would, and give a reason.
    const labels = await page.$$eval('form[action$="/mentor"] .choice label', (elements) => elements.map((element) => [element.getAttribute('for'), element.textContent]));
    const mentorLabel = labels.find(([, text]) => text?.includes('Riverside College Library'));
    expect(mentorLabel).toBeDefined();
    await page.click(`label[for="${mentorLabel![0]}"]`);
    await page.type('#assign-reason', 'Knows academic libraries well');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/mentor"] button[type="submit"]')]);

    expect(new URL(page.url()).search).toBe('?done=mentor-assigned');
    expect(await statusText(page)).toContain('The mentor is assigned');
    const assigned = (await app.call('GET', `/api/applications/${id}`, quality.token)).body;
    expect(assigned.state).toBe('peerReview.inReview');
    expect(assigned.mentorId).toBe(mentor.id);
    await saveScreenshot(page, 'quality-application-in-review');
    expect(await seriousViolations(page)).toEqual([]);

    // The mentor approves and the library submits, through the API.
    await reviewAll(app.call, id, mentor.token, codes);
    await send(mentor.token, { type: 'review.approve' });
    await send(staff.token, { type: 'submit' });
    await page.reload();
    expect(await page.$$eval('select[id^="outcome-rating-"]', (selects) => selects.length)).toBe(57);
    await saveScreenshot(page, 'quality-application-submitted');
    expect(await seriousViolations(page)).toEqual([]);

    // A post without the report date or the certification body comes back with both named.
    const rejected = await Promise.all([page.waitForNavigation(), page.click('form[action$="/outcome"] button[type="submit"]')]);
    expect(rejected[0]?.status()).toBe(422);
    const summary = await page.$$eval('.error-summary a', (links) => links.map((link) => link.getAttribute('href')));
    expect(summary).toEqual(['#outcome-report-date', '#outcome-body']);
    expect(await page.$eval('#outcome-body', (input) => input.getAttribute('aria-invalid'))).toBe('true');
    await saveScreenshot(page, 'quality-application-outcome-errors');
    expect(await seriousViolationsOfCopy(page)).toEqual([]);

    // Chromium's date field takes typed digits in the order of its locale, so the test sets the value the picker would.
    await page.$eval('#outcome-report-date', (input) => {
      (input as unknown as { value: string }).value = '2026-03-31';
    });
    await page.type('#outcome-body', 'Assessment Services Ltd');
    await page.select('#outcome-default-rating', 'compliance');
    await page.select(`#outcome-rating-${codes[0].replace(/\./g, '-')}`, 'compliance_plus');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/outcome"] button[type="submit"]')]);

    expect(new URL(page.url()).search).toBe('?done=outcome-recorded');
    expect(await statusText(page)).toContain('The assessor’s outcome is recorded.');
    expect(await page.$eval('.facts .tag', (tag) => tag.textContent)).toBe('Accredited');
    const history = (await app.call('GET', `/api/applications/${id}/history`, quality.token)).body.items;
    const outcome = history.find((item: { type: string }) => item.type === 'outcome.record');
    expect(outcome.payload).toMatchObject({ reportDate: '2026-03-31', certificationBody: 'Assessment Services Ltd' });
    expect(outcome.payload.ratings[codes[0]]).toBe('compliance_plus');
    expect(outcome.payload.ratings[codes.at(-1)!]).toBe('compliance');
    await saveScreenshot(page, 'quality-application-accredited');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
