import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';

import { setPassword } from '../../src/pages/passwords.ts';
import { launchBrowser, saveScreenshot, seriousViolations, signedInPage } from '../support/browser.ts';
import { QualityFixtures } from '../support/quality-fixtures.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const PASSWORD = 'correct horse battery staple';

type FocusedElement = { id: string; textContent: string | null };

function focused(page: Page): Promise<FocusedElement | null> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: FocusedElement | null } }).document.activeElement;
    return active === null ? null : { id: active.id, textContent: active.textContent };
  });
}

/** Presses Tab until `matches` accepts the focused element, as a keyboard user would, and throws after `limit` presses. */
async function tabTo(page: Page, matches: (element: FocusedElement) => boolean, limit = 60): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element !== null && matches(element)) return;
  }
  throw new Error(`no matching element within ${limit} Tab presses`);
}

describe('quality dashboard in a browser', () => {
  let app: TestApp;
  let fixtures: QualityFixtures;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  let quality: TestPerson;

  beforeAll(async () => {
    app = await createTestApp({ PORT: '0', COOKIE_SECURE: 'false', RENDER_IN_SERVICE: 'false' });
    const served = await app.serve();
    baseUrl = served.url;
    stop = served.stop;
    quality = await app.person(['quality_group']);
    await setPassword(app.db.em.fork(), quality.email, PASSWORD);

    fixtures = await QualityFixtures.open(app);
    const codes = app.standards.latest('cse')!.elementCodes();
    const mentor = await app.person(['mentor'], await app.library('Eastfield Public Library'));
    const names = ['Northgate University Library', 'Riverside Community Library', 'Westbrook County Libraries'];
    for (const [index, name] of names.entries()) {
      const libraryId = await app.library(name);
      const id = await fixtures.application({ libraryId, state: index === 1 ? 'peerReview.inReview' : 'gatheringEvidence', daysInState: 5 + index * 7, mentorId: index === 1 ? mentor.id : null });
      await fixtures.evidence(id, quality.id, codes.slice(0, 10 + index * 15));
      for (const code of codes.slice(0, 20)) await fixtures.rating(id, quality.id, code, 'compliance');
      if (index === 1) await fixtures.openRound(id, mentor.id, -1);
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await fixtures?.close();
    await stop?.();
    await app?.dispose();
  });

  it('has no serious accessibility faults', async () => {
    const page = await signedInPage(browser, baseUrl, quality.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    await page.setViewport({ width: 1280, height: 900 });
    await saveScreenshot(page, 'quality-dashboard');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('filters and sorts with the keyboard', async () => {
    const page = await signedInPage(browser, baseUrl, quality.email, PASSWORD);

    // Choose "In peer review" in the state list with arrow keys, then submit with Enter on the button.
    await tabTo(page, (element) => element.id === 'filter-state');
    const labels = await page.$$eval('#filter-state option', (options) => options.map((option) => option.textContent));
    for (let step = 0; step < labels.indexOf('In peer review'); step++) await page.keyboard.press('ArrowDown');
    await tabTo(page, (element) => element.textContent === 'Apply filters');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).searchParams.get('state')).toBe('peerReview.inReview');
    const filtered = await page.$$eval('.dashboard-table tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent));
    expect(filtered).toEqual(['Riverside Community Library']);

    // Clear the filters, then sort by days in state from a column heading link.
    await tabTo(page, (element) => element.textContent === 'Clear filters');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await tabTo(page, (element) => element.textContent === 'Days in state');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(new URL(page.url()).searchParams.get('sort')).toBe('daysInState');
    const sorted = await page.$$eval('.dashboard-table tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent));
    expect(sorted).toEqual(['Northgate University Library', 'Riverside Community Library', 'Westbrook County Libraries']);
    expect(await page.$eval('th[aria-sort]', (heading) => [heading.textContent, heading.getAttribute('aria-sort')])).toEqual(['Days in state', 'ascending']);

    await saveScreenshot(page, 'quality-dashboard-sorted');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
