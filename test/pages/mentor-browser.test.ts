import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, signedInPage } from '../support/browser.ts';
import { elementCodes } from '../support/lifecycle.ts';
import { applicationInReview } from '../support/review.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

type FocusDocument = { document: { activeElement: { matches: (selector: string) => boolean } | null } };

/** Presses Tab until the focused element matches `selector`, as a keyboard user would. Throws after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 150): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((wanted) => (globalThis as unknown as FocusDocument).document.activeElement?.matches(wanted) ?? false, selector);
    if (focused) return;
  }
  throw new Error(`Tab never reached ${selector} in ${limit} presses`);
}

describe('mentor pages in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let quality: TestPerson;
  let mentor: TestPerson;
  let id: string;
  let code: string;

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    const staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    quality = await app.person(['quality_group']);
    mentor = await app.person(['mentor'], await app.library('Riverside College Library'));
    await setPassword(app.db.em.fork(), mentor.email, PASSWORD);
    id = await applicationInReview(app, staff, quality, mentor);
    [code] = elementCodes(app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop();
    await app.dispose();
  });

  it('gives a verdict with the keyboard alone', async () => {
    const page = await signedInPage(browser, baseUrl, mentor.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/assignments');

    await tabTo(page, `a[href="/assignments/${id}"]`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(`/assignments/${id}`);

    await tabTo(page, `a[href="/assignments/${id}/elements/${code}"]`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(`/assignments/${id}/elements/${code}`);

    // Tab lands on the checked radio (not reviewed), and the arrow keys move the choice up to OK.
    await tabTo(page, 'input[name="verdict"]');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await tabTo(page, '#verdict-comment');
    await page.keyboard.type('The welcome survey covers this well.');
    await tabTo(page, 'form[action$="/verdict"] button[type="submit"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).search).toBe('?done=verdict-saved');
    expect(await page.$eval('[role="status"]', (element) => element.textContent)).toContain('Your verdict is saved.');
    const rounds = (await app.call('GET', `/api/applications/${id}/review/rounds`, quality.token)).body.items;
    expect(rounds.at(-1).verdicts).toMatchObject([{ code, verdict: 'ok', comment: 'The welcome survey covers this well.' }]);
  });

  it('has no serious accessibility faults', async () => {
    // A thread with a reply puts the reply form and the resolve buttons under the check too.
    const comments = `/api/applications/${id}/review/elements/${code}/comments`;
    const first = await app.call('POST', comments, mentor.token, { body: 'Is the survey from this year?' });
    await app.call('POST', comments, mentor.token, { body: 'It is the 2024 survey.', parentId: first.body.id });
    const page = await signedInPage(browser, baseUrl, mentor.email, PASSWORD);
    const pages = [
      { name: 'mentor-assignments', path: '/assignments' },
      { name: 'mentor-assignment', path: `/assignments/${id}` },
      { name: 'mentor-element', path: `/assignments/${id}/elements/${code}` },
    ];

    for (const { name, path } of pages) {
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status(), path).toBe(200);
      await saveScreenshot(page, name);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
});
