import { ParseSpeeds, PDFDocument } from 'pdf-lib';

import { buildPortfolioView } from '../../src/portfolio/build-portfolio-view.ts';
import { ChromiumPool } from '../../src/portfolio/chromium-pool.ts';
import { renderPortfolioHtml } from '../../src/portfolio/portfolio-templates.ts';
import { readAnchorPages } from '../../src/portfolio/print-portfolio.ts';
import { renderPortfolio, type RenderDeps } from '../../src/portfolio/render-portfolio.ts';
import type { BenchContext } from './bench-context.ts';
import type { Figure } from './figure.ts';
import { processTree, residentBytes } from './process-stats.ts';
import { queueSubmittedRender, type PortfolioApplication } from './seed-portfolio.ts';
import { formatMegabytes, formatMs, formatNumber, mean, median, timeRuns } from './stats.ts';

const TIMEOUT_MS = 120_000;
const RENDERS = 3;
const WARM_RUNS = 10;
const COLD_RUNS = 5;
const SOAK_RENDERS = 200;
const SOAK_WINDOW = 20;
const RENDER_TARGET = 1.25;
const WARM_TARGET = 1 / 3;
const SOAK_TARGET = 1.1;

const ONE_PAGE_HTML = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>One page</title></head>
<body><h1>Customer Service Excellence</h1><p>A one-page document for timing a print on its own.</p></body></html>`;
const HEADER_HTML = '<div style="font-size:8px;width:100%;text-align:center">Waymark</div>';
const FOOTER_HTML = '<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';

type PrintCall = { html: string; options: { headerHtml: string; footerHtml: string; timeoutMs: number } };

/**
 * Wraps the pool so that a render's prints are recorded: the HTML and options
 * of each pass and the time spent printing. The render uses only `printPdf`.
 */
function recordingPool(pool: ChromiumPool): { pool: ChromiumPool; calls: PrintCall[]; printMs: () => number; reset: () => void } {
  let calls: PrintCall[] = [];
  let printMs = 0;
  const recorder = {
    async printPdf(html: string, options: PrintCall['options']) {
      calls.push({ html, options });
      const started = performance.now();
      try {
        return await pool.printPdf(html, options);
      } finally {
        printMs += performance.now() - started;
      }
    },
  };
  return {
    pool: recorder as unknown as ChromiumPool,
    get calls() {
      return calls;
    },
    printMs: () => printMs,
    reset: () => {
      calls = [];
      printMs = 0;
    },
  };
}

function renderDeps(context: BenchContext, pool: ChromiumPool): RenderDeps {
  const { runtime } = context;
  return { em: runtime.db.em, standards: runtime.standards, contentStore: runtime.contentStore, pool: async () => pool, timeoutSeconds: TIMEOUT_MS / 1000, log: runtime.logger };
}

/** Measures the portfolio figures: a full render against printing its final HTML, a warm browser against a fresh one, and with `soak` 200 renders in a row. */
export async function measurePortfolio(context: BenchContext, application: PortfolioApplication, soak: boolean): Promise<Figure[]> {
  const pool = await ChromiumPool.launch({ size: 1, log: context.runtime.logger });
  try {
    const figures = [await measureRender(context, application, pool), await measureWarmAgainstCold(context, pool)];
    if (soak) figures.push(...(await measureSoak(context, application, pool)));
    return figures;
  } finally {
    await pool.close();
  }
}

async function measureRender(context: BenchContext, application: PortfolioApplication, pool: ChromiumPool): Promise<Figure> {
  const recorder = recordingPool(pool);
  const deps = renderDeps(context, recorder.pool);
  context.progress('Portfolio: one render to warm up');
  await renderPortfolio(deps, await queueSubmittedRender(context.pool, application));

  const renderMs: number[] = [];
  const printMs: number[] = [];
  const floorMs: number[] = [];
  let passes = 0;
  for (let run = 1; run <= RENDERS; run += 1) {
    const renderId = await queueSubmittedRender(context.pool, application);
    recorder.reset();
    const started = performance.now();
    await renderPortfolio(deps, renderId);
    renderMs.push(performance.now() - started);
    printMs.push(recorder.printMs());
    passes = recorder.calls.length;

    // The floor prints the render's final HTML as many times as the render printed.
    const final = recorder.calls.at(-1)!;
    floorMs.push((await timeRuns(passes, () => pool.printPdf(final.html, final.options))).reduce((sum, ms) => sum + ms, 0));
    context.progress(`Portfolio: render ${run} of ${RENDERS} took ${formatMs(renderMs.at(-1)!)} in ${passes} passes, the floor ${formatMs(floorMs.at(-1)!)}`);
  }

  const value = median(renderMs);
  const floor = median(floorMs);
  const ratio = value / floor;
  const split = await splitRenderTime(context, application, recorder.calls.at(-1)!, pool, passes);
  return {
    heading: 'Portfolio',
    name: `57-element, 300-evidence render (median of ${RENDERS}, ${passes} printing passes)`,
    value: formatMs(value),
    floor: `${formatMs(floor)} (Chromium printing the final HTML ${passes} times)`,
    ratio,
    target: `≤ ${RENDER_TARGET.toFixed(2)}`,
    met: ratio <= RENDER_TARGET,
    note: `Printing inside the render took ${formatMs(median(printMs))}; the rest: ${split}`,
  };
}

/** Times the render's steps outside Chromium one by one, so that a shortfall names its step. */
async function splitRenderTime(context: BenchContext, application: PortfolioApplication, final: PrintCall, pool: ChromiumPool, passes: number): Promise<string> {
  const { runtime } = context;
  const submission = await context.pool.query<{ id: string }>('select id from submission where application_id = $1 order by event_sequence desc limit 1', [application.applicationId]);
  const viewRuns = await timeRuns(3, () => buildPortfolioView(runtime.db.em.fork(), runtime.standards, { applicationId: application.applicationId, submissionId: submission.rows[0].id }));
  const view = await buildPortfolioView(runtime.db.em.fork(), runtime.standards, { applicationId: application.applicationId, submissionId: submission.rows[0].id });
  const htmlRuns = await timeRuns(3, async () => renderPortfolioHtml(view));
  const pdf = await pool.printPdf(final.html, final.options);
  const parseRuns = await timeRuns(3, async () => readAnchorPages(await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fast })));
  return (
    `reading the view ${formatMs(median(viewRuns))}, Handlebars ${formatMs(median(htmlRuns))} per pass, ` +
    `reading the page numbers back with pdf-lib ${formatMs(median(parseRuns))} per pass (× ${passes}), and storing the PDF.`
  );
}

async function measureWarmAgainstCold(context: BenchContext, pool: ChromiumPool): Promise<Figure> {
  const print = (target: ChromiumPool) => target.printPdf(ONE_PAGE_HTML, { headerHtml: HEADER_HTML, footerHtml: FOOTER_HTML, timeoutMs: TIMEOUT_MS });
  context.progress(`Portfolio: one-page document, ${WARM_RUNS} prints with the warm browser and ${COLD_RUNS} with a browser launched for each`);
  await print(pool);
  const warm = median(await timeRuns(WARM_RUNS, () => print(pool)));
  const cold = median(
    await timeRuns(COLD_RUNS, async () => {
      const fresh = await ChromiumPool.launch({ size: 1, log: context.runtime.logger });
      try {
        await print(fresh);
      } finally {
        await fresh.close();
      }
    }),
  );
  const ratio = warm / cold;
  return {
    heading: 'Portfolio',
    name: 'one-page document, warm reused browser (median)',
    value: formatMs(warm),
    floor: `${formatMs(cold)} (launching Chromium for each render, printing, closing)`,
    ratio,
    target: `≤ ${WARM_TARGET.toFixed(2)} (at least 3× faster)`,
    met: ratio <= WARM_TARGET,
    note: `${formatNumber(cold / warm, 1)}× faster.`,
  };
}

/** Renders the portfolio 200 times in a row and compares the time and memory of the last 20 with the first 20. */
async function measureSoak(context: BenchContext, application: PortfolioApplication, pool: ChromiumPool): Promise<Figure[]> {
  const deps = renderDeps(context, pool);
  const durations: number[] = [];
  const memory: number[] = [];
  for (let run = 1; run <= SOAK_RENDERS; run += 1) {
    const renderId = await queueSubmittedRender(context.pool, application);
    const started = performance.now();
    await renderPortfolio(deps, renderId);
    durations.push(performance.now() - started);
    // This process and its Chromium, which are everything that renders here.
    memory.push(processTree(process.pid).reduce((sum, pid) => sum + (residentBytes(pid) ?? 0), 0));
    if (run % 20 === 0) context.progress(`Portfolio soak: ${run} of ${SOAK_RENDERS} renders, the last took ${formatMs(durations.at(-1)!)}, ${formatMegabytes(memory.at(-1)!)} resident`);
  }

  const firstTime = mean(durations.slice(0, SOAK_WINDOW));
  const lastTime = mean(durations.slice(-SOAK_WINDOW));
  const firstMemory = mean(memory.slice(0, SOAK_WINDOW));
  const lastMemory = mean(memory.slice(-SOAK_WINDOW));
  const timeRatio = lastTime / firstTime;
  const memoryRatio = lastMemory / firstMemory;
  const growth = `Resident memory grew from ${formatMegabytes(memory[0])} after the first render to ${formatMegabytes(Math.max(...memory))} at most.`;
  return [
    {
      heading: 'Portfolio',
      name: `soak, mean time of the last ${SOAK_WINDOW} of ${SOAK_RENDERS} renders in a row`,
      value: formatMs(lastTime),
      floor: `${formatMs(firstTime)} (the first ${SOAK_WINDOW})`,
      ratio: timeRatio,
      target: `≤ ${SOAK_TARGET.toFixed(2)}`,
      met: timeRatio <= SOAK_TARGET,
      note: timeRatio <= SOAK_TARGET ? '' : `Slowest render ${formatMs(Math.max(...durations))}, fastest ${formatMs(Math.min(...durations))}. ${growth}`,
    },
    {
      heading: 'Portfolio',
      name: `soak, mean resident memory (this process and Chromium) over the last ${SOAK_WINDOW} renders`,
      value: formatMegabytes(lastMemory),
      floor: `${formatMegabytes(firstMemory)} (the first ${SOAK_WINDOW})`,
      ratio: memoryRatio,
      target: `≤ ${SOAK_TARGET.toFixed(2)}`,
      met: memoryRatio <= SOAK_TARGET,
      note: growth,
    },
  ];
}
