import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, seriousViolationsOfCopy, signedInPage } from '../support/browser.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

describe('admin pages in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let admin: TestPerson;
  let staff: TestPerson;

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    admin = await app.person(['admin']);
    staff = await app.person(['library_staff', 'mentor'], await app.library('Northgate University Library'));
    await app.library('Riverside College Library');
    await setPassword(app.db.em.fork(), admin.email, PASSWORD);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await app?.dispose();
  });

  it('adds a person through the form', async () => {
    const page = await signedInPage(browser, baseUrl, admin.email, PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('nav a[href="/admin/people"]')]);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/people/new"]')]);

    await page.type('#person-email', 'q.lead@example.ac.uk');
    await page.type('#person-name', 'Quinn Lead');
    await page.click('label[for="person-role-quality_group"]');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/people"] button[type="submit"]')]);

    expect(new URL(page.url()).search).toBe('?done=person-added');
    expect(await page.$eval('h1', (heading) => heading.textContent)).toBe('Quinn Lead');
    const people = (await app.call('GET', '/api/people?role=quality_group', admin.token)).body.items;
    expect(people).toMatchObject([{ email: 'q.lead@example.ac.uk', name: 'Quinn Lead', roles: ['quality_group'], libraryId: null }]);
  });

  it('has no serious accessibility faults', async () => {
    const page = await signedInPage(browser, baseUrl, admin.email, PASSWORD);
    await page.setViewport({ width: 1280, height: 900 });
    const pages = [
      { name: 'admin-people', path: '/admin/people' },
      { name: 'admin-person', path: `/admin/people/${staff.id}` },
      { name: 'admin-person-new', path: '/admin/people/new' },
      { name: 'admin-libraries', path: '/admin/libraries' },
    ];

    for (const { name, path } of pages) {
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status(), path).toBe(200);
      await saveScreenshot(page, name);
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });

  it('shows field errors without serious accessibility faults', async () => {
    const page = await signedInPage(browser, baseUrl, admin.email, PASSWORD);
    await page.goto(`${baseUrl}/admin/people/new`);
    await page.click('label[for="person-role-mentor"]');
    const response = await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/people"] button[type="submit"]')]);

    expect(response[0]?.status()).toBe(422);
    const summary = await page.$$eval('.error-summary a', (links) => links.map((link) => [link.getAttribute('href'), link.textContent]));
    expect(summary).toEqual([
      ['#person-email', 'Enter the person’s email address, for example name@library.ac.uk.'],
      ['#person-name', 'Enter the person’s name as others should see it.'],
      ['#person-library', 'Choose the person’s library. Library staff and mentors belong to a library.'],
    ]);
    expect(await page.$eval('#person-library', (select) => select.getAttribute('aria-invalid'))).toBe('true');
    await saveScreenshot(page, 'admin-person-new-errors');

    expect(await page.$$eval('.error-summary a', (links) => links.length)).toBe(3);
    expect(await seriousViolationsOfCopy(page)).toEqual([]);
  });
});
