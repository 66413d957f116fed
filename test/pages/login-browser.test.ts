import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, seriousViolationsOfCopy, signedInPage } from '../support/browser.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

describe('sign-in in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let staff: TestPerson;

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    staff = await app.person(['library_staff'], await app.library('Northgate University Library'));
    await setPassword(app.db.em.fork(), staff.email, 'correct horse battery staple');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop();
    await app.dispose();
  });

  it('has no serious accessibility faults', async () => {
    const page = await (await browser.createBrowserContext()).newPage();
    await page.goto(`${baseUrl}/login`);
    await saveScreenshot(page, 'login');

    expect(await seriousViolations(page)).toEqual([]);
  });

  it('signs in with the keyboard', async () => {
    const page = await (await browser.createBrowserContext()).newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${baseUrl}/login`);
    // Tab past the skip link and the header to the email field, as a keyboard user would.
    for (let presses = 0; presses < 10; presses++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)) === 'email') break;
    }
    await page.keyboard.type(staff.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct horse battery staple');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).pathname).toBe('/applications');
    expect(requests.every((url) => url.startsWith(baseUrl))).toBe(true);
  });

  it('has an accessible not-found page', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, 'correct horse battery staple');

    const response = await page.goto(`${baseUrl}/no-such-page`);

    expect(response?.status()).toBe(404);
    expect(await page.$eval('h1', (heading) => heading.textContent)).toBe('Page not found');
    await saveScreenshot(page, 'not-found');
    expect(await seriousViolationsOfCopy(page)).toEqual([]);
  });

  it('has an accessible account page', async () => {
    const admin = await app.person(['admin']);
    await setPassword(app.db.em.fork(), admin.email, 'correct horse battery staple');
    const page = await signedInPage(browser, baseUrl, admin.email, 'correct horse battery staple');

    expect(new URL(page.url()).pathname).toBe('/admin/people');
    await page.goto(`${baseUrl}/account`);
    expect(await page.$eval('main', (main) => main.textContent ?? '')).toContain('Manage people and libraries');
    await saveScreenshot(page, 'account');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('has an accessible error page', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, 'correct horse battery staple');
    const response = await page.goto(`${baseUrl}/applications/00000000-0000-4000-8000-000000000000`);

    expect(response?.status()).toBe(404);
    await saveScreenshot(page, 'error-not-found');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('signs in through the helper', async () => {
    const page = await signedInPage(browser, baseUrl, staff.email, 'correct horse battery staple');

    expect(new URL(page.url()).pathname).toBe('/applications');
  });
});
