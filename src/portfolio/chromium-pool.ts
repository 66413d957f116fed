import type { Browser, Page } from 'puppeteer-core';

import type { Logger } from '../logger.ts';
import { findExecutable, launchChromium, removeProfile, removeStaleProfiles } from './chromium-launch.ts';

export { ChromiumUnavailableError } from './chromium-launch.ts';

// The top and bottom margins leave room for the header and footer templates.
const PAGE_MARGIN = { top: '16mm', bottom: '16mm', left: '16mm', right: '16mm' };

// A long-lived Chromium grows: over 200 portfolio renders (400 prints) the resident memory of the
// bench's process and its browser rose about 12% (docs/benchmarks.md). A fresh browser every
// this many prints keeps it bounded, and a launch costs well under a second.
const DEFAULT_RECYCLE_AFTER = 100;

/** A page crash or a lost browser during one print attempt, which the pool retries once. */
class ChromiumCrashError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChromiumCrashError';
  }
}

type PageState = { blocked: number; firstBlockedUrl: string | null };

/**
 * One Chromium process shared by every print, with at most `size` pages
 * printing at once. Pages run with JavaScript disabled and every network
 * request aborted, so a document prints only what its HTML holds. A page or
 * browser that crashes is replaced and the print retried once. After
 * `recycleAfter` prints the browser is retired: prints still running on it
 * finish, then it closes, and the next print starts a fresh one.
 */
export class ChromiumPool {
  readonly #executablePath: string;
  readonly #launchTimeoutMs: number;
  readonly #log: Logger;
  readonly #recycleAfter: number;
  readonly #pageStates = new WeakMap<Page, PageState>();
  #browser: Browser | null = null;
  #userDataDir: string | null = null;
  #printsOnBrowser = 0;
  readonly #inFlight = new Map<Browser, number>();
  readonly #retired = new Map<Browser, string | null>();
  #launching: Promise<Browser> | null = null;
  #launches = 0;
  #idle: Page[] = [];
  #freeSlots: number;
  #waiting: (() => void)[] = [];
  #closed = false;
  #blocked = 0;
  #prints = 0;

  private constructor(executablePath: string, size: number, launchTimeoutMs: number, recycleAfter: number, log: Logger) {
    this.#executablePath = executablePath;
    this.#freeSlots = size;
    this.#launchTimeoutMs = launchTimeoutMs;
    this.#recycleAfter = recycleAfter;
    this.#log = log;
  }

  /**
   * Starts Chromium from `executablePath`, else from PUPPETEER_EXECUTABLE_PATH,
   * else from the first of the usual install paths that exists. Throws
   * ChromiumUnavailableError when none is executable or the browser fails to start.
   * Also removes the profile directories that killed processes left behind.
   */
  static async launch(options: { executablePath?: string; size?: number; launchTimeoutMs?: number; recycleAfter?: number; log: Logger }): Promise<ChromiumPool> {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Chromium pool size ${size} is invalid. Use a whole number of pages, 1 or more.`);
    const recycleAfter = options.recycleAfter ?? DEFAULT_RECYCLE_AFTER;
    if (!Number.isInteger(recycleAfter) || recycleAfter < 1) throw new RangeError(`Chromium recycleAfter ${recycleAfter} is invalid. Use a whole number of prints, 1 or more.`);

    const executablePath = await findExecutable(options.executablePath);
    const stale = await removeStaleProfiles();
    if (stale.length > 0) options.log.info({ dirs: stale }, 'removed Chromium profile directories left by killed processes');
    const pool = new ChromiumPool(executablePath, size, options.launchTimeoutMs ?? 30_000, recycleAfter, options.log);
    await pool.#ensureBrowser();
    return pool;
  }

  /** Count of network requests that pages tried to make and the pool aborted, since launch. */
  get requestsBlocked(): number {
    return this.#blocked;
  }

  /** Prints `html` to an A4 PDF with the header and footer templates. `timeoutMs` bounds the load and the print separately. */
  async printPdf(html: string, options: { headerHtml: string; footerHtml: string; timeoutMs: number }): Promise<Uint8Array> {
    const printId = ++this.#prints;
    await this.#acquireSlot();
    try {
      try {
        return await this.#printOnce(printId, html, options);
      } catch (error) {
        if (!(error instanceof ChromiumCrashError)) throw error;
        this.#log.warn({ err: error, printId }, 'Chromium crashed while printing, so the print is retried once');
        return await this.#printOnce(printId, html, options);
      }
    } finally {
      this.#releaseSlot();
    }
  }

  /** Closes every idle page and the browser and removes its profile directory. Prints still running fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake();

    const browser = this.#browser;
    this.#browser = null;
    const retired = [...this.#retired.keys()];
    try {
      await Promise.allSettled(this.#idle.splice(0).map((page) => page.close()));
      await Promise.allSettled(retired.map((old) => this.#closeRetired(old)));
    } finally {
      if (browser !== null) {
        await browser.close().catch((error: unknown) => this.#log.warn({ err: error, browserPid: browser.process()?.pid }, 'Chromium failed to close'));
        this.#log.info({ browserPid: browser.process()?.pid }, 'Chromium closed');
      }
      await this.#removeProfile();
    }
  }

  async #printOnce(printId: number, html: string, options: { headerHtml: string; footerHtml: string; timeoutMs: number }): Promise<Uint8Array> {
    const browser = await this.#ensureBrowser();
    this.#inFlight.set(browser, (this.#inFlight.get(browser) ?? 0) + 1);
    try {
      return await this.#printOn(browser, printId, html, options);
    } finally {
      const left = (this.#inFlight.get(browser) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(browser, left);
      else this.#inFlight.delete(browser);
      if (browser === this.#browser && ++this.#printsOnBrowser >= this.#recycleAfter) this.#retire(browser);
      if (left === 0 && this.#retired.has(browser)) await this.#closeRetired(browser);
    }
  }

  /** Takes the browser out of use; it closes once its last print has finished. */
  #retire(browser: Browser): void {
    this.#retired.set(browser, this.#userDataDir);
    this.#browser = null;
    this.#userDataDir = null;
    this.#printsOnBrowser = 0;
    for (const page of this.#idle.splice(0)) page.close().catch(() => {});
    this.#log.info({ browserPid: browser.process()?.pid, prints: this.#recycleAfter }, 'Chromium retired after its print limit; the next print starts a new browser');
  }

  async #closeRetired(browser: Browser): Promise<void> {
    const dir = this.#retired.get(browser) ?? null;
    await browser.close().catch((error: unknown) => this.#log.warn({ err: error, browserPid: browser.process()?.pid }, 'a retired Chromium failed to close'));
    // Deleted only after the close, so that its disconnection is not taken for a crash.
    this.#retired.delete(browser);
    if (dir !== null) await removeProfile(dir).catch((error: unknown) => this.#log.warn({ err: error, dir }, 'removing a retired Chromium profile directory failed'));
  }

  async #printOn(browser: Browser, printId: number, html: string, options: { headerHtml: string; footerHtml: string; timeoutMs: number }): Promise<Uint8Array> {
    const page = this.#idle.pop() ?? (await this.#openPage(browser));
    const state = this.#pageStates.get(page)!;
    state.blocked = 0;
    state.firstBlockedUrl = null;

    const crash = watchForCrash(browser, page);
    const work = render(page, html, options);
    // The race below may settle first, so this rejection must not go unhandled.
    work.catch(() => {});
    let healthy = false;
    try {
      const pdf = await Promise.race([work, crash.promise]);
      healthy = true;
      return pdf;
    } catch (error) {
      if (crash.crashed || !browser.connected || page.isClosed()) {
        throw error instanceof ChromiumCrashError ? error : new ChromiumCrashError(`Chromium lost the page of print ${printId}`, { cause: error });
      }
      this.#log.error({ err: error, printId, browserPid: browser.process()?.pid }, 'printing a PDF failed');
      throw error;
    } finally {
      crash.dispose();
      if (state.blocked > 0) this.#log.warn({ printId, requestsBlocked: state.blocked, firstUrl: state.firstBlockedUrl }, 'aborted network requests from a document being printed');
      // Only a page that finished cleanly goes back to the pool. Any other is closed, so no half-loaded state carries over.
      if (healthy && !this.#closed && browser === this.#browser && browser.connected) {
        this.#idle.push(page);
      } else {
        await page.close().catch(() => {});
      }
    }
  }

  async #openPage(browser: Browser): Promise<Page> {
    const page = await browser.newPage();
    try {
      const state: PageState = { blocked: 0, firstBlockedUrl: null };
      this.#pageStates.set(page, state);
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        this.#blocked += 1;
        state.blocked += 1;
        state.firstBlockedUrl ??= request.url().slice(0, 200);
        request.abort('aborted').catch((error: unknown) => this.#log.debug({ err: error }, 'aborting a request failed'));
      });
      return page;
    } catch (error) {
      await page.close().catch(() => {});
      throw error;
    }
  }

  async #ensureBrowser(): Promise<Browser> {
    if (this.#closed) throw new Error('The Chromium pool is closed. Launch a new pool to print.');
    if (this.#browser?.connected) return this.#browser;
    this.#launching ??= this.#startBrowser().finally(() => {
      this.#launching = null;
    });
    return this.#launching;
  }

  async #startBrowser(): Promise<Browser> {
    const relaunch = this.#launches > 0;
    this.#idle = [];
    await this.#removeProfile();

    const started = performance.now();
    let launched: { browser: Browser; userDataDir: string };
    try {
      launched = await launchChromium(this.#executablePath, this.#launchTimeoutMs);
    } catch (error) {
      this.#log.error({ err: error, executablePath: this.#executablePath }, 'Chromium failed to start');
      throw error;
    }
    const { browser, userDataDir } = launched;
    this.#userDataDir = userDataDir;
    this.#launches += 1;
    const browserPid = browser.process()?.pid;
    browser.on('disconnected', () => {
      if (this.#closed || this.#retired.has(browser)) return;
      this.#log.warn({ browserPid }, 'Chromium disconnected, so the next print starts a new browser');
      // A browser that lost its connection may still be running, and it has no further use.
      browser.process()?.kill('SIGKILL');
      // A retry may have started the next browser before this event arrived.
      if (this.#browser === browser) {
        this.#browser = null;
        this.#idle = [];
      }
    });

    if (this.#closed) {
      await browser.close().catch(() => {});
      await this.#removeProfile();
      throw new Error('The Chromium pool was closed while Chromium started.');
    }
    this.#browser = browser;
    this.#log.info({ browserPid, executablePath: this.#executablePath, userDataDir, durationMs: Math.round(performance.now() - started), launches: this.#launches }, relaunch ? 'Chromium relaunched' : 'Chromium launched');
    return browser;
  }

  async #removeProfile(): Promise<void> {
    const dir = this.#userDataDir;
    this.#userDataDir = null;
    if (dir !== null) await removeProfile(dir).catch((error: unknown) => this.#log.warn({ err: error, dir }, 'removing the Chromium profile directory failed'));
  }

  async #acquireSlot(): Promise<void> {
    if (this.#closed) throw new Error('The Chromium pool is closed. Launch a new pool to print.');
    if (this.#freeSlots > 0) {
      this.#freeSlots -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#closed) throw new Error('The Chromium pool was closed before this print could start.');
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#freeSlots += 1;
  }
}

async function render(page: Page, html: string, options: { headerHtml: string; footerHtml: string; timeoutMs: number }): Promise<Uint8Array> {
  await page.setContent(html, { waitUntil: 'load', timeout: options.timeoutMs });
  return page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: options.headerHtml,
    footerTemplate: options.footerHtml,
    margin: PAGE_MARGIN,
    outline: true,
    tagged: true,
    timeout: options.timeoutMs,
  });
}

/** Returns a promise that rejects when the page crashes or the browser disconnects, until `dispose` is called. */
function watchForCrash(browser: Browser, page: Page) {
  let crashed = false;
  let fail: (error: Error) => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    fail = reject;
  });
  promise.catch(() => {});
  const onPageError = (error: Error) => {
    crashed = true;
    fail(new ChromiumCrashError('The Chromium page crashed while printing', { cause: error }));
  };
  const onDisconnected = () => {
    crashed = true;
    fail(new ChromiumCrashError('Chromium disconnected while printing'));
  };
  page.on('error', onPageError);
  browser.on('disconnected', onDisconnected);
  return {
    promise,
    get crashed() {
      return crashed;
    },
    dispose() {
      page.off('error', onPageError);
      browser.off('disconnected', onDisconnected);
    },
  };
}
