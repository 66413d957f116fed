import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFName, PDFRef } from 'pdf-lib';

import type { ChromiumPool } from './chromium-pool.ts';
import { contentsAnchors, renderPageFooterHtml, renderPageHeaderHtml, renderPortfolioHtml } from './portfolio-templates.ts';
import type { PortfolioView } from './portfolio-view.ts';

// One pass finds the pages and the next fills them in. Contents numbers sit in fixed-width
// columns, so the second pass normally matches. A third absorbs a layout that still moved.
const MAX_PASSES = 3;
const utf8 = new TextDecoder();

/**
 * Prints the portfolio and fills the contents with the page each section
 * starts on. Every pass reads the pages back from the PDF's named
 * destinations. Chromium writes one for each element id that a link in the
 * document points to, and the contents links to every anchor it lists.
 * Printing stops once the anchors of a pass match the numbers it printed.
 * Returns the final PDF, its page count and the page (from 1) of each anchor.
 */
export async function printPortfolio(
  pool: ChromiumPool,
  view: PortfolioView,
  options: { timeoutMs: number; pageNumbers?: boolean },
): Promise<{ pdf: Uint8Array; pages: number; anchors: Map<string, number> }> {
  // Without page numbers in the footer, a later step stamps them, once appendices have set the total.
  const print = { headerHtml: renderPageHeaderHtml(view), footerHtml: renderPageFooterHtml(view, options.pageNumbers ?? true), timeoutMs: options.timeoutMs };

  const listed = contentsAnchors(view);
  let printed: Map<string, number> | undefined;
  for (let pass = 1; pass <= MAX_PASSES; pass += 1) {
    const pdf = await pool.printPdf(renderPortfolioHtml(view, printed), print);
    // The default speed yields every 100 objects; a tagged portfolio has tens of thousands, so that costs about 0.3 s a pass.
    const document = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fast });
    const anchors = readAnchorPages(document);
    const missing = listed.filter((anchor) => !anchors.has(anchor));
    if (missing.length > 0) {
      throw new Error(`The printed portfolio has no named destination for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}, so its contents cannot show page numbers. Chromium writes one for each id that a link points to; check that the contents still links to every section.`);
    }
    if (printed !== undefined && sameNumbers(printed, anchors)) return { pdf, pages: document.getPageCount(), anchors };
    printed = anchors;
  }
  throw new Error(`The contents page numbers of the portfolio of application ${view.application.id} still changed after ${MAX_PASSES} printing passes, so the contents would be wrong. Report this with the application id.`);
}

/** Reads the catalog's named destinations (`/Dests`) and returns, for each name, the number (from 1) of the page it points to. */
export function readAnchorPages(document: PDFDocument): Map<string, number> {
  const pageNumbers = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]));
  const anchors = new Map<string, number>();
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests === undefined) return anchors;

  for (const [name, value] of dests.entries()) {
    // A destination is either [page /XYZ left top zoom] or a dictionary whose /D entry contains that array.
    const resolved = document.context.lookup(value);
    const array = resolved instanceof PDFDict ? resolved.lookupMaybe(PDFName.of('D'), PDFArray) : resolved instanceof PDFArray ? resolved : undefined;
    const page = array?.get(0);
    if (!(page instanceof PDFRef)) continue;
    const pageNumber = pageNumbers.get(page.toString());
    if (pageNumber !== undefined) anchors.set(utf8.decode(name.asBytes()), pageNumber);
  }
  return anchors;
}

function sameNumbers(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [anchor, page] of a) {
    if (b.get(anchor) !== page) return false;
  }
  return true;
}
