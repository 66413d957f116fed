import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, signedInPage } from '../support/browser.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

type FocusDocument = { document: { activeElement: { id: string } | null } };
const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as FocusDocument).document.activeElement?.id ?? '');

/** Presses Tab until the element with `id` has focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, id: string, limit = 40): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    if ((await focusedId(page)) === id) return;
  }
  throw new Error(`#${id} did not take focus after ${limit} presses of Tab`);
}

describe('staff pages in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let staff: TestPerson;
  let applicationId: string;
  let evidenceId: string;
  let withdrawnId: string;

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    await setPassword(app.db.em.fork(), staff.email, PASSWORD);

    const created = await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'library-service-mark', cycle: 'initial' });
    applicationId = created.body.id;
    await app.call('POST', `/api/applications/${applicationId}/events`, staff.token, { type: 'start' });
    evidenceId = (await app.call('POST', `/api/applications/${applicationId}/evidence`, staff.token, { kind: 'link', title: 'Welcome survey', url: 'https://example.ac.uk/survey', elements: [{ code: 'A.1' }] })).body.id;
    await app.call('POST', `/api/applications/${applicationId}/review/elements/A.1/comments`, staff.token, { body: 'Does the survey cover weekends?' });
    withdrawnId = (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'library-service-mark', cycle: 'initial' })).body.id;
    await app.call('PUT', `/api/applications/${withdrawnId}/self-assessment/A.1`, staff.token, { rating: 'met', statement: 'Greeters at every door.' });
    await app.call('POST', `/api/applications/${withdrawnId}/events`, staff.token, { type: 'withdraw' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop();
    await app.dispose();
  });

  it('walks to an element and saves a rating by keyboard', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/applications');
    await saveScreenshot(page, 'staff-applications');

    await Promise.all([page.waitForNavigation(), page.click(`a[href="/applications/${applicationId}"]`)]);
    await saveScreenshot(page, 'staff-application');
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/applications/${applicationId}/elements/A.1"]`)]);
    expect(new URL(page.url()).pathname).toBe(`/applications/${applicationId}/elements/A.1`);

    await tabTo(page, 'rating-met');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('statement');
    await page.keyboard.type('Greeters stand at every entrance.');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).search).toBe('?done=rating-saved');
    expect(await page.$eval('[role="status"]', (node) => node.textContent)).toBe('The self-rating was saved.');
    await saveScreenshot(page, 'staff-element');
    const ratings = (await app.call('GET', `/api/applications/${applicationId}/self-assessment`, staff.token)).body.items;
    expect(ratings).toMatchObject([{ code: 'A.1', rating: 'met', statement: 'Greeters stand at every entrance.' }]);
  });

  it('has no serious accessibility faults', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, PASSWORD);
    const pages: [string, string][] = [
      ['/applications', 'staff-applications-axe'],
      [`/applications/${applicationId}`, 'staff-application-axe'],
      [`/applications/${applicationId}?show=missing`, 'staff-application-missing'],
      [`/applications/${applicationId}/elements/A.1`, 'staff-element-axe'],
      [`/applications/${applicationId}/elements/B.3`, 'staff-element-empty'],
      [`/applications/${applicationId}/matrix`, 'staff-matrix'],
      [`/applications/${applicationId}/evidence/${evidenceId}?from=A.1`, 'staff-evidence'],
      [`/applications/${withdrawnId}/elements/A.1`, 'staff-element-read-only'],
    ];

    for (const [path, name] of pages) {
      await page.goto(`${baseUrl}${path}`);
      await saveScreenshot(page, name);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });

  it('shows the error summary for a missing rating', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, PASSWORD);
    await page.goto(`${baseUrl}/applications/${applicationId}/elements/B.1`);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/rating"] button[type="submit"]')]);

    expect(await page.$eval('.error-summary a', (node) => node.getAttribute('href'))).toBe('#rating-met');
    await saveScreenshot(page, 'staff-element-error');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
