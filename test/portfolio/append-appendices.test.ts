import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, StandardFonts, degrees } from 'pdf-lib';
import puppeteer from 'puppeteer-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FOOTER_GEOMETRY, appendAppendices, countPages } from '../../src/portfolio/append-appendices.ts';
import type { AppendedPortfolio, Appendix } from '../../src/portfolio/append-appendices.ts';

const FOOTER_LEFT = 'Llyfrgell Bro Gŵyr · Portfolio';
// Helvetica has no ŵ, so the stamped footer carries its base letter.
const STAMPED_LEFT = 'Llyfrgell Bro Gwyr · Portfolio';
const A4: [number, number] = [595.28, 841.89];
const LETTER_LANDSCAPE: [number, number] = [792, 612];
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Prints a three-page tagged portfolio with an outline and a "Page X of Y" footer, as the portfolio renderer does. */
async function renderMainWithChromium(): Promise<Uint8Array> {
  const paragraph = `<p>${'Evidence of customer insight and engagement. '.repeat(20)}</p>`;
  const html = `<!doctype html><html lang="en"><head><title>Portfolio</title></head><body>
    <h1>Criterion 1 — Customer insight</h1><h2>1.1 Identification</h2>${paragraph}
    <h2 style="break-before: page">1.2 Engagement</h2>${paragraph}
    <h1 style="break-before: page">Criterion 2 — Culture</h1>${paragraph}</body></html>`;
  const footerTemplate = `<div style="font-size: 8pt; width: 100%; padding: 0 15mm; display: flex; justify-content: space-between">
    <span>${FOOTER_LEFT}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setContent(html);
    return await page.pdf({
      format: 'A4',
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate,
      margin: { top: '20mm', bottom: '20mm', left: '15mm', right: '15mm' },
      outline: true,
      tagged: true,
    });
  } finally {
    await browser.close();
  }
}

async function makePdf(pages: { size: [number, number]; rotation?: number }[], label: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  pages.forEach(({ size, rotation = 0 }, index) => {
    const page = doc.addPage(size);
    page.setRotation(degrees(rotation));
    page.drawText(`${label} body page ${index + 1}`, { x: 60, y: 300, size: 14, font });
  });
  return doc;
}

/** Builds a two-page appendix whose first page links to its second and carries tagging keys of its own structure tree. */
async function makeLinkedAppendix(): Promise<Uint8Array> {
  const doc = await makePdf([{ size: A4 }, { size: A4 }], 'Linked');
  const [first, second] = doc.getPages();
  const link = doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [60, 500, 260, 520], Border: [0, 0, 0], Dest: [second.ref, 'Fit'], P: first.ref, StructParent: 1 }));
  first.node.set(PDFName.of('Annots'), doc.context.obj([link]));
  first.node.set(PDFName.of('StructParents'), PDFNumber.of(0));
  return doc.save();
}

/** Builds a PDF whose trailer names an /Encrypt dictionary, although its content is not encrypted. */
async function makeEncryptedLookingPdf(): Promise<Uint8Array> {
  const doc = await makePdf([{ size: A4 }], 'Encrypted');
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 2, R: 3, Length: 128, P: -3904, O: PDFHexString.of('00'.repeat(32)), U: PDFHexString.of('00'.repeat(32)) });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  return doc.save({ useObjectStreams: false });
}

async function makeMissingContentPdf(): Promise<Uint8Array> {
  const doc = await makePdf([{ size: A4 }], 'Missing');
  doc.getPage(0).node.set(PDFName.of('Contents'), PDFRef.of(9999));
  return doc.save();
}

type OutlineItem = { ref: PDFRef; title: string; dict: PDFDict; children: OutlineItem[] };

/** Walks outline siblings from `first`, checking the /Prev and /Parent links of each item. */
function readOutline(doc: PDFDocument, first: unknown, parent: PDFRef): OutlineItem[] {
  const items: OutlineItem[] = [];
  let ref = first;
  while (ref instanceof PDFRef) {
    const dict = doc.context.lookup(ref, PDFDict);
    const title = dict.lookup(PDFName.of('Title'));
    expect(title instanceof PDFString || title instanceof PDFHexString).toBe(true);
    expect(dict.get(PDFName.of('Parent'))).toBe(parent);
    expect(dict.get(PDFName.of('Prev'))).toBe(items.at(-1)?.ref);
    items.push({ ref, title: (title as PDFString | PDFHexString).decodeText(), dict, children: readOutline(doc, dict.get(PDFName.of('First')), ref) });
    ref = dict.get(PDFName.of('Next'));
  }
  return items;
}

function outlineRoot(doc: PDFDocument): { ref: PDFRef; dict: PDFDict; items: OutlineItem[] } {
  const ref = doc.catalog.get(PDFName.of('Outlines'));
  if (!(ref instanceof PDFRef)) throw new Error('expected the catalog to have an indirect /Outlines');
  const dict = doc.context.lookup(ref, PDFDict);
  return { ref, dict, items: readOutline(doc, dict.get(PDFName.of('First')), ref) };
}

type Word = { text: string; xMin: number; yMin: number; xMax: number; yMax: number };

/** Reads the words of each page with `pdftotext -bbox`, in top-down coordinates of the page as displayed. */
function readWords(file: string): Word[][] {
  const html = runPoppler('pdftotext', ['-bbox', file, '-']);
  return html.split('<page ').slice(1).map((page) =>
    [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((match) => ({
      text: match[5].replaceAll('&amp;', '&'),
      xMin: Number(match[1]),
      yMin: Number(match[2]),
      xMax: Number(match[3]),
      yMax: Number(match[4]),
    })),
  );
}

function runPoppler(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with status ${result.status}: ${result.stderr}`);
  expect(result.stderr).toBe('');
  return result.stdout;
}

async function pageTexts(pdf: Uint8Array): Promise<string[]> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: false });
  return text;
}

function displayedSize(doc: PDFDocument, index: number): { width: number; height: number } {
  const page = doc.getPage(index);
  const { width, height } = page.getSize();
  return page.getRotation().angle % 180 === 0 ? { width, height } : { width: height, height: width };
}

describe('appendAppendices', () => {
  let workDir: string;
  let main: Uint8Array;
  let result: AppendedPortfolio;
  let output: PDFDocument;
  let outputFile: string;
  let mainFile: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'waymark-appendices-'));
    main = await renderMainWithChromium();
    const valid = await makePdf([{ size: A4 }], 'A4');
    const appendices: Appendix[] = [
      { ref: 'E1', title: 'Customer survey 2024', bytes: await valid.save() },
      { ref: 'E2', title: 'Opening hours (US letter)', bytes: await (await makePdf([{ size: LETTER_LANDSCAPE }], 'Letter')).save() },
      { ref: 'E5', title: 'Truncated upload', bytes: (await valid.save()).slice(0, 400) },
      { ref: 'E3', title: 'Scanned rota', bytes: await (await makePdf([90, 180, 270].map((rotation) => ({ size: A4, rotation })), 'Rotated')).save() },
      { ref: 'E6', title: 'Locked report', bytes: await makeEncryptedLookingPdf() },
      { ref: 'E7', title: 'Half-written upload', bytes: await makeMissingContentPdf() },
      { ref: 'E8', title: 'Not a PDF', bytes: new TextEncoder().encode('Minutes of the board meeting') },
      { ref: 'E4', title: 'Adroddiad blynyddol — Gŵyr', bytes: await makeLinkedAppendix() },
    ];
    result = await appendAppendices(main, appendices, { left: FOOTER_LEFT });
    output = await PDFDocument.load(result.pdf, { updateMetadata: false });
    mainFile = join(workDir, 'main.pdf');
    outputFile = join(workDir, 'portfolio.pdf');
    writeFileSync(mainFile, main);
    writeFileSync(outputFile, result.pdf);
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('counts pages of the Chromium PDF', async () => {
    expect(await countPages(main)).toBe(3);
  });

  it('lists each appended appendix', () => {
    expect(result.appendices).toEqual([
      { ref: 'E1', firstPage: 4, pages: 1 },
      { ref: 'E2', firstPage: 5, pages: 1 },
      { ref: 'E3', firstPage: 6, pages: 3 },
      { ref: 'E4', firstPage: 9, pages: 2 },
    ]);
    expect(result.pages).toBe(10);
    expect(output.getPageCount()).toBe(10);
  });

  it.each([
    ['E5', /could not be read/],
    ['E6', /encrypted/],
    ['E7', /page 1 refers to content that is missing/],
    ['E8', /could not be read \(.*No PDF header found/],
  ])('skips unreadable appendix %s', (ref, reason) => {
    const entry = result.skipped.find((skipped) => skipped.ref === ref);
    expect(entry).toBeDefined();
    expect(entry!.reason).toMatch(reason);
    expect(entry!.reason).toContain(`Appendix ${ref} was skipped`);
  });

  it('writes a PDF that pdfinfo reads', () => {
    const info = runPoppler('pdfinfo', [outputFile]);
    expect(info).toMatch(/^Pages:\s+10$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Encrypted:\s+no$/m);
  });

  it('stamps the new total on every page', async () => {
    const texts = await pageTexts(result.pdf);
    expect(texts).toHaveLength(10);
    texts.forEach((text, index) => expect(text).toContain(`Page ${index + 1} of 10`));
  });

  it('stamps the appendix footer', async () => {
    const texts = await pageTexts(result.pdf);
    const owners = ['E1', 'E2', 'E3', 'E3', 'E3', 'E4', 'E4'];
    owners.forEach((ref, offset) => expect(texts[3 + offset]).toContain(`${STAMPED_LEFT} · Appendix ${ref} · Page ${4 + offset} of 10`));
  });

  // The white rectangle hides Chromium's old label but cannot delete its text, so extraction still
  // finds it. This test pins that limit: when the old label is removed from the stream, flip it.
  it('leaves the covered old total extractable', async () => {
    const texts = await pageTexts(result.pdf);
    for (const index of [0, 1, 2]) expect(texts[index]).toContain(`Page ${index + 1} of 3`);
  });

  it('covers the old page label only', () => {
    const { bandHeight, coverWidth } = FOOTER_GEOMETRY;
    const pages = readWords(mainFile);
    pages.forEach((words, index) => {
      const { width, height } = displayedSize(output, index);
      const band = words.filter((word) => word.yMin >= height - bandHeight);
      const covered = band.filter((word) => word.xMin >= width - coverWidth);
      const uncovered = band.filter((word) => word.xMax < width - coverWidth);
      expect(covered.map((word) => word.text)).toEqual(['Page', `${index + 1}`, 'of', '3']);
      expect(uncovered.map((word) => word.text).join(' ')).toBe(FOOTER_LEFT);
      expect(covered.length + uncovered.length).toBe(band.length);
    });
  });

  it('stamps inside the visible bottom band', () => {
    const pages = readWords(outputFile);
    expect(pages).toHaveLength(10);
    pages.forEach((words, index) => {
      const { width, height } = displayedSize(output, index);
      const band = words.filter((word) => word.yMin >= height - FOOTER_GEOMETRY.bandHeight);
      expect(band.map((word) => word.text)).toEqual(expect.arrayContaining(['Page', `${index + 1}`, 'of', '10']));
      for (const word of band) {
        expect(word.xMin).toBeGreaterThanOrEqual(0);
        expect(word.xMax).toBeLessThanOrEqual(width);
        expect(word.yMax).toBeLessThanOrEqual(height);
      }
    });
  });

  it('keeps the outline and adds Appendices', async () => {
    const before = outlineRoot(await PDFDocument.load(main, { updateMetadata: false }));
    const after = outlineRoot(output);
    const titles = (items: OutlineItem[]) => items.map((item) => ({ title: item.title, children: item.children.map((child) => child.title) }));

    expect(titles(before.items)).toEqual([
      { title: 'Criterion 1 — Customer insight', children: ['1.1 Identification', '1.2 Engagement'] },
      { title: 'Criterion 2 — Culture', children: [] },
    ]);
    expect(titles(after.items)).toEqual([
      ...titles(before.items),
      { title: 'Appendices', children: ['E1 — Customer survey 2024', 'E2 — Opening hours (US letter)', 'E3 — Scanned rota', 'E4 — Adroddiad blynyddol — Gŵyr'] },
    ]);
    expect(after.dict.get(PDFName.of('Last'))).toBe(after.items.at(-1)!.ref);
    const beforeCount = before.dict.lookup(PDFName.of('Count'), PDFNumber).asNumber();
    expect(after.dict.lookup(PDFName.of('Count'), PDFNumber).asNumber()).toBe(beforeCount + 1 + 4);

    const group = after.items.at(-1)!;
    expect(group.dict.lookup(PDFName.of('Count'), PDFNumber).asNumber()).toBe(4);
    expect(group.dict.get(PDFName.of('Last'))).toBe(group.children.at(-1)!.ref);
    group.children.forEach((child, index) => {
      const dest = child.dict.lookup(PDFName.of('Dest'), PDFArray);
      expect(dest.get(0)).toBe(output.getPage(result.appendices[index].firstPage - 1).ref);
      expect(dest.get(1)).toBe(PDFName.of('Fit'));
    });
  });

  it('keeps /MarkInfo and /StructTreeRoot', () => {
    const markInfo = output.catalog.lookup(PDFName.of('MarkInfo'), PDFDict);
    expect(markInfo.get(PDFName.of('Marked'))?.toString()).toBe('true');
    const structTreeRoot = output.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    expect(structTreeRoot.get(PDFName.of('K'))).toBeDefined();
    expect(structTreeRoot.lookup(PDFName.of('ParentTree'))).toBeInstanceOf(PDFDict);

    const structParents = output.getPages().map((page) => page.node.get(PDFName.of('StructParents')));
    structParents.slice(0, 3).forEach((value) => expect(value).toBeInstanceOf(PDFNumber));
    structParents.slice(3).forEach((value) => expect(value).toBeUndefined());
  });

  it('keeps links inside an appendix', () => {
    const first = output.getPage(8);
    const annotations = first.node.Annots()!.asArray();
    expect(annotations).toHaveLength(1);
    const link = output.context.lookup(annotations[0], PDFDict);
    expect(link.lookup(PDFName.of('Dest'), PDFArray).get(0)).toBe(output.getPage(9).ref);
    expect(link.get(PDFName.of('P'))).toBe(first.ref);
    expect(link.get(PDFName.of('StructParent'))).toBeUndefined();
  });
});

describe('appendAppendices without appended pages', () => {
  it('returns the main PDF unchanged', async () => {
    const main = await (await makePdf([{ size: A4 }, { size: A4 }], 'Main')).save();
    const truncated = (await (await makePdf([{ size: A4 }], 'A4')).save()).slice(0, 300);

    const empty = await appendAppendices(main, [], { left: 'Library' });
    const allSkipped = await appendAppendices(main, [{ ref: 'E1', title: 'Broken', bytes: truncated }], { left: 'Library' });

    expect(empty).toEqual({ pdf: main, pages: 2, appendices: [], skipped: [] });
    expect(allSkipped.pdf).toBe(main);
    expect(allSkipped.pages).toBe(2);
    expect(allSkipped.skipped.map((entry) => entry.ref)).toEqual(['E1']);
  });
});

describe('appendAppendices on a plain main PDF', () => {
  it('creates the outline and fits narrow pages', async () => {
    const main = await (await makePdf([{ size: A4 }, { size: A4 }, { size: A4 }], 'Main')).save();
    const narrow = await (await makePdf([{ size: [150, 250] }], 'Receipt')).save();
    const left = 'Llyfrgell Ganolog Caerdydd ✓ Customer Service Excellence portfolio';

    const result = await appendAppendices(main, [{ ref: 'E9', title: 'Till receipt', bytes: narrow }], { left });
    const output = await PDFDocument.load(result.pdf);
    const root = outlineRoot(output);
    expect(root.items.map((item) => item.title)).toEqual(['Appendices']);
    expect(root.items[0].children.map((item) => item.title)).toEqual(['E9 — Till receipt']);
    expect(root.dict.lookup(PDFName.of('Count'), PDFNumber).asNumber()).toBe(2);

    const file = join(mkdtempSync(join(tmpdir(), 'waymark-narrow-')), 'narrow.pdf');
    try {
      writeFileSync(file, result.pdf);
      // The body text runs off the 150 pt page, and pdftotext drops the words outside it.
      const band = readWords(file)[3].filter((word) => word.yMin >= 250 - FOOTER_GEOMETRY.bandHeight);
      const text = band.map((word) => word.text).join(' ');
      expect(text).toMatch(/^Llyfrgell Ganolog .*… · Appendix E9 · Page 4 of 4$/);
      for (const word of band) expect(word.xMax).toBeLessThanOrEqual(150);
    } finally {
      rmSync(join(file, '..'), { recursive: true, force: true });
    }
  });

  it('replaces characters outside WinAnsi', async () => {
    const main = await (await makePdf([{ size: A4 }], 'Main')).save();
    const appendix = await (await makePdf([{ size: A4 }], 'Plain')).save();
    const result = await appendAppendices(main, [{ ref: 'E1', title: 'Plan', bytes: appendix }], { left: 'Gŵyr ✓ 图书馆\nLibrary' });
    const texts = await pageTexts(result.pdf);
    expect(texts[1]).toContain('Gwyr ? ??? Library · Appendix E1 · Page 2 of 2');
  });
});

describe('appendAppendices on an unnumbered main PDF', () => {
  it('stamps every page once', async () => {
    const main = await (await makePdf([{ size: A4 }, { size: A4 }], 'Main')).save();
    const appendix = await (await makePdf([{ size: A4 }], 'Policy')).save();

    const result = await appendAppendices(main, [{ ref: 'E3', title: 'Complaints policy', bytes: appendix }], { left: 'Portfolio' }, { mainNumbered: false });
    const texts = await pageTexts(result.pdf);

    expect(texts).toHaveLength(3);
    expect(texts.map((text) => text.match(/Page \d+ of \d+/g))).toEqual([['Page 1 of 3'], ['Page 2 of 3'], ['Page 3 of 3']]);
  });

  it('stamps the main pages with no appendix', async () => {
    const main = await (await makePdf([{ size: A4 }, { size: A4 }], 'Main')).save();

    const result = await appendAppendices(main, [], { left: 'Portfolio' }, { mainNumbered: false });

    expect((await pageTexts(result.pdf)).map((text) => text.match(/Page \d+ of \d+/g))).toEqual([['Page 1 of 2'], ['Page 2 of 2']]);
  });
});
