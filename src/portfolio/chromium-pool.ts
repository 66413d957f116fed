import type { Browser, Page } from 'puppeteer-core';

import type { Logger } from '../logger.ts';
import { findExecutable, launchChromium, removeProfile, removeStaleProfiles } from './chromium-launch.ts';

export { ChromiumUnavailableError } from './chromium-launch.ts';

// The top and bottom margins leave room for the header and footer templates.
const PAGE_MARGIN = { top: '16mm', bottom: '16mm', left: '16mm', right: '16mm' };

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
 * browser that crashes is replaced and the print retried once.
 */
export class ChromiumPool {
  readonly #executablePath: string;
  readonly #launchTimeoutMs: number;
  readonly #log: Logger;
  readonly #pageStates = new WeakMap<Page, PageState>();
  #browser: Browser | null = null;
  #userDataDir: string | null = null;
  #launching: Promise<Browser> | null = null;
  #launches = 0;
  #idle: Page[] = [];
  #freeSlots: number;
  #waiting: (() => void)[] = [];
  #closed = false;
  #blocked = 0;
  #prints = 0;

  private constructor(executablePath: string, size: number, launchTimeoutMs: number, log: Logger) {
    this.#executablePath = executablePath;
    this.#freeSlots = size;
    this.#launchTimeoutMs = launchTimeoutMs;
    this.#log = log;
  }

  /**
   * Starts Chromium from `executablePath`, else from PUPPETEER_EXECUTABLE_PATH,
   * else from the first of the usual install paths that exists. Throws
   * ChromiumUnavailableError when none is executable or the browser fails to start.
   * Also removes the profile directories that killed processes left behind.
   */
  static async launch(options: { executablePath?: string; size?: number; launchTimeoutMs?: number; log: Logger }): Promise<ChromiumPool> {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Chromium pool size ${size} is invalid. Use a whole number of pages, 1 or more.`);

    const executablePath = await findExecutable(options.executablePath);
    const stale = await removeStaleProfiles();
    if (stale.length > 0) options.log.info({ dirs: stale }, 'removed Chromium profile directories left by killed processes');
    const pool = new ChromiumPool(executablePath, size, options.launchTimeoutMs ?? 30_000, options.log);
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
    try {
      await Promise.allSettled(this.#idle.splice(0).map((page) => page.close()));
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
      if (this.#closed) return;
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
