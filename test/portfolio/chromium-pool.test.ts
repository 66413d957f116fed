import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

import { PDFDocument } from 'pdf-lib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ChromiumPool, ChromiumUnavailableError } from '../../src/portfolio/chromium-pool.ts';
import { renderPortfolioHtml } from '../../src/portfolio/portfolio-templates.ts';
import { makeCsePortfolioView, pageTexts } from './portfolio-fixture.ts';

type LogLine = { level: number; msg: string; browserPid?: number; userDataDir?: string; printId?: number; requestsBlocked?: number; firstUrl?: string; dirs?: string[] };

/** Creates a pino logger that keeps every line, so tests can count launches and read the log. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines, messages: (msg: string) => lines.filter((line) => line.msg === msg) };
}

const PRINT = {
  headerHtml: '<div style="font-size: 8pt; margin: 0 16mm">Harbour Town Library</div>',
  footerHtml: '<div style="font-size: 8pt; margin: 0 16mm">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
  timeoutMs: 30_000,
};

function letter(number: number): string {
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Opening hours ${number}</title></head><body><h1>Opening hours notice ${number}</h1><p>The central library opens at 9:00 from Monday to Saturday.</p></body></html>`;
}

describe('Chromium pool', () => {
  let pool: ChromiumPool;
  let logs: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    logs = capturingLogger();
    pool = await ChromiumPool.launch({ size: 2, log: logs.log });
  });

  afterAll(async () => {
    await pool?.close();
  });

  it('aborts requests that printed HTML makes', async () => {
    const before = pool.requestsBlocked;
    const html = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Poster</title><link rel="stylesheet" href="http://127.0.0.1:9/poster.css"></head>
      <body><h1>Summer Reading Challenge</h1><img src="http://127.0.0.1:9/poster.png" alt="Poster"><img src="file:///etc/passwd" alt=""></body></html>`;

    const pdf = await pool.printPdf(html, PRINT);

    expect(pool.requestsBlocked - before).toBeGreaterThan(0);
    expect((await pageTexts(pdf)).join('\n')).toContain('Summer Reading Challenge');
    expect(logs.messages('aborted network requests from a document being printed').at(-1)).toMatchObject({ requestsBlocked: pool.requestsBlocked - before });
  });

  it('prints several documents with one launch', async () => {
    const pdfs = await Promise.all([1, 2, 3, 4, 5].map((number) => pool.printPdf(letter(number), PRINT)));
    const again = await pool.printPdf(letter(6), PRINT);

    for (const [index, pdf] of [...pdfs, again].entries()) {
      expect((await pageTexts(pdf))[0]).toContain(`Opening hours notice ${index + 1}`);
    }
    expect(logs.messages('Chromium launched')).toHaveLength(1);
    expect(logs.messages('Chromium relaunched')).toHaveLength(0);
  });

  it('fails a print that exceeds its timeout and keeps working', async () => {
    const view = await makeCsePortfolioView({ submitted: false });

    await expect(pool.printPdf(renderPortfolioHtml(view), { ...PRINT, timeoutMs: 50 })).rejects.toThrow(/timed out|Timeout|exceeded/i);
    expect(logs.messages('printing a PDF failed').length).toBeGreaterThan(0);
    const pdf = await pool.printPdf(letter(7), PRINT);
    expect((await pageTexts(pdf))[0]).toContain('Opening hours notice 7');
  });

  it('relaunches Chromium that dies mid-print and retries', async () => {
    const [launched] = logs.messages('Chromium launched');
    const view = await makeCsePortfolioView({ submitted: true });
    const printing = pool.printPdf(renderPortfolioHtml(view), PRINT);

    // The full portfolio takes seconds to print, so the browser dies while it prints.
    await new Promise((resolve) => setTimeout(resolve, 400));
    process.kill(launched.browserPid!, 'SIGKILL');
    const pdf = await printing;

    expect((await PDFDocument.load(pdf)).getPageCount()).toBeGreaterThan(57);
    expect(logs.messages('Chromium disconnected, so the next print starts a new browser')).toHaveLength(1);
    expect(logs.messages('Chromium crashed while printing, so the print is retried once')).toHaveLength(1);
    expect(logs.messages('Chromium relaunched')).toHaveLength(1);
    const after = await pool.printPdf(letter(8), PRINT);
    expect((await pageTexts(after))[0]).toContain('Opening hours notice 8');
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Chromium pool launch', () => {
  it('names PUPPETEER_EXECUTABLE_PATH when Chromium is missing', async () => {
    const launching = ChromiumPool.launch({ executablePath: '/nonexistent/chromium', log: pino({ level: 'silent' }) });

    await expect(launching).rejects.toBeInstanceOf(ChromiumUnavailableError);
    await expect(launching).rejects.toThrow('/nonexistent/chromium');
    await expect(launching).rejects.toThrow('PUPPETEER_EXECUTABLE_PATH');
    await expect(launching).rejects.toThrow('apt-get install chromium');
  });

  it('rejects a pool size below one', async () => {
    await expect(ChromiumPool.launch({ size: 0, log: pino({ level: 'silent' }) })).rejects.toThrow('pool size 0 is invalid');
  });

  it('outlives no killed owner process', async () => {
    // A worker that launches a pool and is then killed with SIGKILL, so it cannot close anything.
    const poolModule = pathToFileURL(new URL('../../src/portfolio/chromium-pool.ts', import.meta.url).pathname).href;
    const script = `import { pino } from 'pino';
      const { ChromiumPool } = await import(${JSON.stringify(poolModule)});
      await ChromiumPool.launch({ size: 1, log: pino({ level: 'info' }) });
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let launched: LogLine | undefined;
    for await (const line of createInterface({ input: owner.stdout! })) {
      launched = JSON.parse(line) as LogLine;
      if (launched.msg === 'Chromium launched') break;
    }
    owner.kill('SIGKILL');

    const browserPid = launched!.browserPid!;
    for (let waited = 0; isRunning(browserPid) && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(browserPid)).toBe(false);

    const logs = capturingLogger();
    const next = await ChromiumPool.launch({ size: 1, log: logs.log });
    await next.close();
    expect(existsSync(launched!.userDataDir!)).toBe(false);
    // Another test file's pool, launching at the same moment, may have removed the folder first; either way it is gone.
    const removed = logs.messages('removed Chromium profile directories left by killed processes')[0]?.dirs;
    if (removed !== undefined) expect(removed).toContain(launched!.userDataDir);
  });

  it('retires the browser after its print limit', async () => {
    const recycled = capturingLogger();
    const small = await ChromiumPool.launch({ size: 2, recycleAfter: 3, log: recycled.log });
    try {
      const pdfs: Uint8Array[] = [];
      for (const number of [1, 2, 3, 4, 5, 6, 7]) pdfs.push(await small.printPdf(letter(number), PRINT));

      for (const [index, pdf] of pdfs.entries()) expect((await pageTexts(pdf))[0]).toContain(`Opening hours notice ${index + 1}`);
      const launches = [...recycled.messages('Chromium launched'), ...recycled.messages('Chromium relaunched')];
      expect(launches).toHaveLength(3);
      expect(recycled.messages('Chromium retired after its print limit; the next print starts a new browser')).toHaveLength(2);
      expect(recycled.messages('Chromium disconnected, so the next print starts a new browser')).toHaveLength(0);
      for (const old of launches.slice(0, 2)) {
        expect(isRunning(old.browserPid!)).toBe(false);
        expect(existsSync(old.userDataDir!)).toBe(false);
      }
      expect(isRunning(launches[2].browserPid!)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('finishes prints still running on a retired browser', async () => {
    const recycled = capturingLogger();
    const small = await ChromiumPool.launch({ size: 2, recycleAfter: 3, log: recycled.log });
    try {
      // Concurrent prints straddle the limit, so some finish on the retired browser while others start a new one.
      const pdfs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((number) => small.printPdf(letter(number), PRINT)));

      for (const [index, pdf] of pdfs.entries()) expect((await pageTexts(pdf))[0]).toContain(`Opening hours notice ${index + 1}`);
      expect(recycled.messages('Chromium retired after its print limit; the next print starts a new browser').length).toBeGreaterThanOrEqual(2);
      expect(recycled.messages('Chromium disconnected, so the next print starts a new browser')).toHaveLength(0);
      expect(recycled.messages('printing a PDF failed')).toHaveLength(0);
    } finally {
      await small.close();
    }
  });

  it('rejects a print limit below one', async () => {
    await expect(ChromiumPool.launch({ recycleAfter: 0, log: pino({ level: 'silent' }) })).rejects.toThrow('recycleAfter 0 is invalid');
  });

  it('refuses to print after close', async () => {
    const closing = await ChromiumPool.launch({ size: 1, log: pino({ level: 'silent' }) });
    await closing.close();

    await expect(closing.printPdf(letter(9), PRINT)).rejects.toThrow('The Chromium pool is closed');
  });
});
