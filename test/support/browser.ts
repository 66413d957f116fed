import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const AXE_SOURCE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-output/screenshots');

/** Launches Debian's Chromium headless for page tests; close it in `afterAll`. */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium',
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Signs in through the real form in a fresh browser context and returns its page. */
export async function signedInPage(browser: Browser, baseUrl: string, email: string, password: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.type('#email', email);
  await page.type('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
  return page;
}

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/** Runs axe-core in a page that already lets scripts in, and returns the serious and critical WCAG 2.x A and AA violations. */
async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SOURCE_PATH });
  const results = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  })) as { violations: AxeViolation[] };
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/**
 * Runs axe-core on the page and returns the serious and critical violations.
 * The pages forbid inline scripts, so the test page bypasses its own
 * Content-Security-Policy and reloads, only to inject axe.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.setBypassCSP(true);
  await page.reload();
  const violations = await runAxe(page);
  await page.setBypassCSP(false);
  return violations;
}

/**
 * Runs axe-core on a copy of the page's markup. A page returned for a form post
 * cannot be reloaded without posting the form again, so it is checked this way.
 */
export async function seriousViolationsOfCopy(page: Page): Promise<AxeViolation[]> {
  const html = await page.content();
  const copy = await page.browserContext().newPage();
  try {
    await copy.setBypassCSP(true);
    // The copy opens a page of the same site first, because the URL that received the post serves no GET.
    await copy.goto(new URL('/account', page.url()).href);
    await copy.setContent(html);
    return await runAxe(copy);
  } finally {
    await copy.close();
  }
}

/** Saves a full-page screenshot under test-output/screenshots for a reviewer to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  return file;
}
