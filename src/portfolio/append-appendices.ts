/**
 * Appends uploaded PDF evidence to the portfolio that Chromium printed: copies the pages, stamps
 * "Page X of Y" with the new total on every page and adds an "Appendices" bookmark group.
 */
import { EncryptedPDFError, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObjectCopier, PDFPage, PDFPageLeaf, PDFRef, PDFStream, StandardFonts, degrees, rgb } from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';

export type Appendix = { ref: string /* E12 */; title: string; bytes: Uint8Array /* a PDF uploaded as evidence */ };
export type AppendedPortfolio = { pdf: Uint8Array; pages: number; appendices: { ref: string; firstPage: number; pages: number }[]; skipped: { ref: string; reason: string }[] };

/**
 * Footer geometry in points, measured from the visible bottom edge of each page. The Chromium footer
 * template must print "Page X of Y" right-aligned inside the cover (the right `coverWidth` points of
 * the bottom `bandHeight` points) and keep its other content left of it, because the cover hides
 * everything there. `sideMargin` is 15 mm.
 */
export const FOOTER_GEOMETRY = { bandHeight: 40, coverWidth: 200, baseline: 17, sideMargin: 42.52, fontSize: 8, minFontSize: 5 } as const;

/** Counts the pages of a PDF. Rejects an encrypted or damaged PDF with the reason that appendAppendices would give for skipping it. */
export async function countPages(pdf: Uint8Array): Promise<number> {
  const doc = await loadEvidence(pdf);
  return doc.getPageCount();
}

/**
 * Appends the pages of each readable appendix after the main pages, skipping encrypted or damaged ones.
 * When any appendix is appended, restamps "Page X of Y" on every page with the new total and adds the
 * "Appendices" bookmarks. Otherwise returns `main` itself.
 */
export async function appendAppendices(
  main: Uint8Array,
  appendices: Appendix[],
  footer: { left: string },
  options: { mainNumbered?: boolean } = {},
): Promise<AppendedPortfolio> {
  // A main document printed without page numbers is always stamped, so that no covered number stays in its text.
  const mainNumbered = options.mainNumbered ?? true;
  // updateMetadata: false keeps Chromium's /Info (Title, Creator, Producer) instead of pdf-lib's.
  const doc = await PDFDocument.load(main, { updateMetadata: false });
  const mainPages = doc.getPageCount();
  const appended: { appendix: Appendix; pages: PDFPage[] }[] = [];
  const skipped: { ref: string; reason: string }[] = [];

  for (const appendix of appendices) {
    try {
      const source = await loadEvidence(appendix.bytes);
      appended.push({ appendix, pages: copyAllPages(source, doc) });
    } catch (error) {
      // Objects that a failed copy already added to `doc` stay in the file, unreferenced.
      skipped.push({ ref: appendix.ref, reason: `Appendix ${appendix.ref} was skipped: ${(error as Error).message}` });
    }
  }
  if (appended.length === 0 && mainNumbered) return { pdf: main, pages: mainPages, appendices: [], skipped };

  const listed: AppendedPortfolio['appendices'] = [];
  for (const { appendix, pages } of appended) {
    listed.push({ ref: appendix.ref, firstPage: doc.getPageCount() + 1, pages: pages.length });
    for (const page of pages) doc.addPage(page);
  }

  const total = doc.getPageCount();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.getPages().forEach((page, index) => {
    const pageLabel = `Page ${index + 1} of ${total}`;
    if (index < mainPages) {
      restampMainFooter(page, font, pageLabel, mainNumbered);
      return;
    }
    const owner = listed.findLast((entry) => entry.firstPage <= index + 1)!;
    stampAppendixFooter(page, font, toWinAnsi(font, footer.left), toWinAnsi(font, ` · Appendix ${owner.ref} · ${pageLabel}`));
  });

  if (appended.length > 0) addAppendixOutline(doc, appended.map(({ appendix, pages }) => ({ title: `${appendix.ref} — ${appendix.title}`, page: pages[0].ref })));

  // pdf-lib writes every object of the loaded file, so the catalog's /MarkInfo and /StructTreeRoot and
  // the main pages' /StructParents survive. The appended pages are untagged, as copyAllPages explains.
  doc.setModificationDate(new Date());
  return { pdf: await doc.save(), pages: total, appendices: listed, skipped };
}

/** Loads an uploaded PDF and checks that its pages can be copied, throwing an Error whose message is the reason. */
async function loadEvidence(bytes: Uint8Array): Promise<PDFDocument> {
  let doc: PDFDocument;
  let pages: PDFPage[];
  let declared: number;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
    pages = doc.getPages();
    declared = doc.catalog.Pages().Count().asNumber();
  } catch (error) {
    if (error instanceof EncryptedPDFError) {
      throw new Error('the PDF is encrypted (password-protected or restricted), so its pages cannot be copied. Upload a copy saved without a password or restrictions.', { cause: error });
    }
    throw new Error(`the PDF could not be read (${(error as Error).message}). Upload the file again, or re-save it from the program that made it.`, { cause: error });
  }

  if (pages.length === 0) throw new Error('the PDF has no pages');
  if (pages.length !== declared) throw new Error(`the PDF is damaged: its page tree declares ${declared} pages but only ${pages.length} are in the file. Re-save it from the program that made it.`);
  pages.forEach((page, index) => {
    if (hasMissingContent(page)) throw new Error(`the PDF is damaged: page ${index + 1} refers to content that is missing from the file. Re-save it from the program that made it.`);
  });
  // NOTE: content streams are not decoded here, so a stream whose compressed data is corrupt is copied and shows as a blank or partial page.
  return doc;
}

function hasMissingContent(page: PDFPage): boolean {
  const context = page.doc.context;
  const contents = page.node.get(PDFName.of('Contents'));
  if (contents === undefined) return false;
  const resolved = context.lookup(contents);
  const parts = resolved instanceof PDFArray ? resolved.asArray() : [contents];
  return parts.some((part) => !(context.lookup(part) instanceof PDFStream));
}

/**
 * Copies every page of `source` into `target` without adding them to its page tree. Pages are copied
 * through their references because `PDFDocument.copyPages` gives a page's own reference a second,
 * duplicate page object, so links and annotation /P entries inside the appendix would point outside
 * the page tree.
 */
function copyAllPages(source: PDFDocument, target: PDFDocument): PDFPage[] {
  const copier = PDFObjectCopier.for(source.context, target.context);
  return source.getPages().map((sourcePage) => {
    const ref = copier.copy(sourcePage.ref);
    const node = target.context.lookup(ref);
    if (!(node instanceof PDFPageLeaf)) throw new Error('the PDF is damaged: a page could not be copied');

    // The appended pages are untagged. Their /StructParents keys index the appendix's structure tree,
    // which is not copied, so they are removed before they can point into the portfolio's /ParentTree.
    // Their marked content stays without structure elements, so the merged file is not fully tagged.
    node.delete(PDFName.of('StructParents'));
    for (const annotation of node.Annots()?.asArray() ?? []) {
      target.context.lookupMaybe(annotation, PDFDict)?.delete(PDFName.of('StructParent'));
    }
    // NOTE: named destinations, the appendix's own outline and its AcroForm are not copied, so links to
    // named destinations and form fields of the appendix do not work in the portfolio.
    return PDFPage.of(node, ref, target);
  });
}

/** Maps upright (displayed) coordinates in the page's visible box to user space. u runs left to right and v bottom to top. */
function uprightFrame(page: PDFPage) {
  const box = page.getCropBox();
  const x0 = Math.min(box.x, box.x + box.width);
  const y0 = Math.min(box.y, box.y + box.height);
  const x1 = x0 + Math.abs(box.width);
  const y1 = y0 + Math.abs(box.height);
  // /Rotate turns the displayed page clockwise, and pdf-lib's `rotate` option turns drawing anticlockwise by the same angle.
  const rotation = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  const sideways = rotation === 90 || rotation === 270;
  const toUser = (u: number, v: number): { x: number; y: number } => {
    if (rotation === 90) return { x: x1 - v, y: y0 + u };
    if (rotation === 180) return { x: x1 - u, y: y1 - v };
    if (rotation === 270) return { x: x0 + v, y: y1 - u };
    return { x: x0 + u, y: y0 + v };
  };
  return { width: sideways ? y1 - y0 : x1 - x0, rotate: degrees(rotation), toUser };
}

/**
 * Hides Chromium's "Page X of Y_main" under a white rectangle and draws the new page label over it.
 * NOTE: the rectangle only hides the old label. Its text stays in the content stream, so extraction,
 * search, copy and screen readers still find it, and pdftotext's layout order mixes old and new words.
 */
function restampMainFooter(page: PDFPage, font: PDFFont, pageLabel: string, coverOld: boolean): void {
  const { bandHeight, coverWidth, baseline, sideMargin, fontSize } = FOOTER_GEOMETRY;
  const frame = uprightFrame(page);
  if (coverOld) {
    const coverStart = Math.max(0, frame.width - coverWidth);
    page.drawRectangle({ ...frame.toUser(coverStart, 0), width: frame.width - coverStart, height: bandHeight, rotate: frame.rotate, color: rgb(1, 1, 1) });
  }

  const labelWidth = font.widthOfTextAtSize(pageLabel, fontSize);
  page.drawText(pageLabel, { ...frame.toUser(frame.width - sideMargin - labelWidth, baseline), size: fontSize, font, rotate: frame.rotate, color: rgb(0, 0, 0) });
}

/**
 * Draws "<left> · Appendix E12 · Page X of Y" along the visible bottom edge of an appendix page,
 * shrinking the font and then shortening `left` to fit narrow pages.
 * NOTE: nothing is drawn behind the text, so it can overlap evidence printed in the bottom band. On
 * pages narrower than about 100 pt even the part after `left` can run past the edge.
 */
function stampAppendixFooter(page: PDFPage, font: PDFFont, left: string, suffix: string): void {
  const { baseline, sideMargin, fontSize, minFontSize } = FOOTER_GEOMETRY;
  const frame = uprightFrame(page);
  const margin = Math.min(sideMargin, frame.width * 0.05);
  const available = frame.width - 2 * margin;

  let text = left + suffix;
  const size = Math.max(minFontSize, Math.min(fontSize, (fontSize * available) / font.widthOfTextAtSize(text, fontSize)));
  let shortened = left;
  while (font.widthOfTextAtSize(text, size) > available && shortened.length > 0) {
    shortened = shortened.slice(0, -1);
    text = `${shortened}…${suffix}`;
  }
  page.drawText(text, { ...frame.toUser(margin, baseline), size, font, rotate: frame.rotate, color: rgb(0, 0, 0) });
}

/**
 * Rewrites text for Helvetica, a standard 14 font that pdf-lib 1.17.1 encodes in WinAnsiEncoding only
 * (it throws on any other character). Control characters become spaces. A character outside WinAnsi
 * becomes its base letter when that is in WinAnsi (Welsh ŵ becomes w) and '?' otherwise.
 */
function toWinAnsi(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  const encodable = (value: string) => [...value].every((char) => supported.has(char.codePointAt(0)!));
  let output = '';
  for (const char of text.normalize('NFC').replace(/\p{Cc}/gu, ' ')) {
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    output += encodable(char) ? char : base.length > 0 && encodable(base) ? base : '?';
  }
  return output;
}

/**
 * Appends a top-level "Appendices" outline item, open, with one child per appendix pointing at its
 * first page. Outline items are built from low-level objects because pdf-lib 1.17.1 has no outline
 * API. Creates the catalog's /Outlines when the main PDF has none.
 */
function addAppendixOutline(doc: PDFDocument, entries: { title: string; page: PDFRef }[]): void {
  const context = doc.context;
  const outlinesKey = PDFName.of('Outlines');
  let outlines = doc.catalog.lookupMaybe(outlinesKey, PDFDict);
  if (!outlines) outlines = context.obj({ Type: 'Outlines' });
  // Items refer to their parent by reference, so a direct /Outlines dictionary is made indirect.
  let outlinesRef = doc.catalog.get(outlinesKey);
  if (!(outlinesRef instanceof PDFRef)) {
    outlinesRef = context.register(outlines);
    doc.catalog.set(outlinesKey, outlinesRef);
  }

  const fitPage = (page: PDFRef) => context.obj([page, PDFName.of('Fit')]);
  const group = context.obj({ Title: PDFHexString.fromText('Appendices'), Parent: outlinesRef, Dest: fitPage(entries[0].page), Count: entries.length });
  const groupRef = context.register(group);

  const childRefs = entries.map((entry) => context.register(context.obj({ Title: PDFHexString.fromText(entry.title.replace(/\p{Cc}/gu, ' ')), Parent: groupRef, Dest: fitPage(entry.page) })));
  childRefs.forEach((ref, index) => {
    const child = context.lookup(ref, PDFDict);
    if (index > 0) child.set(PDFName.of('Prev'), childRefs[index - 1]);
    if (index < childRefs.length - 1) child.set(PDFName.of('Next'), childRefs[index + 1]);
  });
  group.set(PDFName.of('First'), childRefs[0]);
  group.set(PDFName.of('Last'), childRefs[childRefs.length - 1]);

  // The root /Count is the number of visible items at all levels. When it is missing, every existing
  // item is closed, so only the top-level items are visible.
  const visibleBefore = outlines.lookupMaybe(PDFName.of('Count'), PDFNumber)?.asNumber() ?? countSiblings(doc, outlines.get(PDFName.of('First')));
  const lastRef = outlines.get(PDFName.of('Last'));
  if (lastRef instanceof PDFRef) {
    context.lookup(lastRef, PDFDict).set(PDFName.of('Next'), groupRef);
    group.set(PDFName.of('Prev'), lastRef);
  } else {
    outlines.set(PDFName.of('First'), groupRef);
  }
  outlines.set(PDFName.of('Last'), groupRef);
  outlines.set(PDFName.of('Count'), PDFNumber.of(Math.max(0, visibleBefore) + 1 + entries.length));
}

function countSiblings(doc: PDFDocument, first: unknown): number {
  const seen = new Set<unknown>();
  let item = first;
  while (item instanceof PDFRef && !seen.has(item)) {
    seen.add(item);
    item = doc.context.lookupMaybe(item, PDFDict)?.get(PDFName.of('Next'));
  }
  return seen.size;
}
