import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ChromiumPool } from '../../src/portfolio/chromium-pool.ts';
import { printPortfolio } from '../../src/portfolio/print-portfolio.ts';
import type { PortfolioElement, PortfolioGroup, PortfolioView } from '../../src/portfolio/portfolio-view.ts';
import { flatten, HOSTILE_PARTS, LIBRARY_NAME, makeCsePortfolioView, MIXED_SCRIPT_LINES, pageTexts, rightToLeftLines } from './portfolio-fixture.ts';

// Hebrew, Arabic and the Arabic presentation forms that Chromium's font subsets map shaped glyphs to.
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFEFC]/;

type Printed = { view: PortfolioView; pdf: Uint8Array; pages: number; anchors: Map<string, number>; texts: string[]; requestsBlocked: number; milliseconds: number };

function elementsOf(group: PortfolioGroup): PortfolioElement[] {
  return [...group.elements, ...group.groups.flatMap(elementsOf)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function outlineTitles(document: PDFDocument): string[] {
  const titles: string[] = [];
  const visit = (first: PDFDict | undefined) => {
    for (let item = first; item !== undefined; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const title = item.lookupMaybe(PDFName.of('Title'), PDFString, PDFHexString);
      if (title !== undefined) titles.push(title.decodeText());
      visit(item.lookupMaybe(PDFName.of('First'), PDFDict));
    }
  };
  visit(document.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict));
  return titles;
}

// The 57 CSE elements with 300 evidence items, printed by real Chromium and read back with unpdf and pdf-lib.
describe('printed CSE portfolio', () => {
  let pool: ChromiumPool;
  let draft: Printed;
  let submitted: Printed;

  const print = async (view: PortfolioView): Promise<Printed> => {
    const blockedBefore = pool.requestsBlocked;
    const started = performance.now();
    const printed = await printPortfolio(pool, view, { timeoutMs: 60_000 });
    const milliseconds = Math.round(performance.now() - started);
    return { view, ...printed, texts: await pageTexts(printed.pdf), requestsBlocked: pool.requestsBlocked - blockedBefore, milliseconds };
  };

  beforeAll(async () => {
    pool = await ChromiumPool.launch({ log: pino({ level: 'silent' }) });
    draft = await print(await makeCsePortfolioView({ submitted: false }));
    submitted = await print(await makeCsePortfolioView({ submitted: true }));
    // Printing time and size of the 57-element, 300-item portfolio, for the record.
    console.info(`portfolio of 57 elements and 300 evidence items: draft ${draft.pages} pages in ${draft.milliseconds} ms, submitted ${submitted.pages} pages in ${submitted.milliseconds} ms (two printing passes each)`);
  }, 180_000);

  afterAll(async () => {
    await pool?.close();
  });

  it('counts pages with pdf-lib and unpdf alike', () => {
    expect(draft.pages).toBeGreaterThan(57);
    expect(draft.texts).toHaveLength(draft.pages);
    expect(submitted.texts).toHaveLength(submitted.pages);
  });

  it('holds every element code and evidence title', () => {
    const text = flatten(draft.texts.join('\n'));
    const elements = draft.view.criteria.flatMap(elementsOf);

    expect(elements).toHaveLength(57);
    for (const element of elements) expect(text).toContain(`${element.code} ${element.title}`);
    expect(draft.view.evidence).toHaveLength(300);
    for (const item of draft.view.evidence) {
      if (RIGHT_TO_LEFT.test(item.title)) continue;
      expect(text).toContain(flatten(item.title));
    }
  });

  it('holds right-to-left evidence titles word by word', () => {
    const titled = draft.view.evidence.filter((item) => RIGHT_TO_LEFT.test(item.title));

    expect(titled.length).toBeGreaterThan(0);
    for (const item of titled) {
      // The index row of the item; a row that breaks across pages keeps its title on the first.
      const page = draft.texts[draft.anchors.get(`evidence-${item.ref}`)! - 1].normalize('NFKC');
      for (const word of item.title.split(/[\s:]+/).filter((part) => part !== '')) {
        expect(page.includes(word) || page.includes([...word].reverse().join('')), `${item.ref} ${word}`).toBe(true);
      }
    }
  });

  it('lists the full SHA-256 of every file', () => {
    const index = draft.texts.slice(draft.anchors.get('appendix-evidence')! - 1).join('').replace(/\s+/g, '');
    const files = draft.view.evidence.filter((item) => item.sha256 !== null);

    expect(files.length).toBeGreaterThan(50);
    for (const item of files) expect(index).toContain(item.sha256);
  });

  it('prints the library name on every page', () => {
    draft.texts.forEach((text) => expect(text).toContain(LIBRARY_NAME));
  });

  it('numbers every page as Page n of N', () => {
    draft.texts.forEach((text, index) => expect(text).toContain(`Page ${index + 1} of ${draft.pages}`));
    submitted.texts.forEach((text, index) => expect(text).toContain(`Page ${index + 1} of ${submitted.pages}`));
  });

  it('keeps left-to-right scripts and emoji exact', () => {
    const page = draft.texts[draft.anchors.get('element-1.1.1')! - 1];
    const lines = page.split('\n');

    expect(lines).toContain('Gwasanaeth ŵyr ŷd');
    expect(lines).toContain('Café naïve Ærøskøbing');
    expect(lines).toContain('📚✅');
  });

  it('keeps Arabic and Hebrew text in logical order', async () => {
    const lines = await rightToLeftLines(draft.pdf, draft.anchors.get('element-1.1.1')!);

    expect(lines).toContain(MIXED_SCRIPT_LINES[2]);
    expect(lines).toContain(MIXED_SCRIPT_LINES[3]);
  });

  it('shows contents page numbers where the headings are', () => {
    const firstBodyPage = draft.anchors.get('group-1')!;
    const contents = flatten(draft.texts.slice(1, draft.anchors.get('summary')! - 1).join('\n'));
    const headingPage = (heading: string) => draft.texts.findIndex((text, index) => index >= firstBodyPage - 1 && flatten(text).includes(heading)) + 1;
    const listedPage = (entry: string) => Number(new RegExp(`${escapeRegExp(entry)} (\\d+)`).exec(contents)?.[1]);

    for (const criterion of draft.view.criteria) {
      expect(listedPage(`${criterion.code} ${criterion.title}`)).toBe(headingPage(`Criterion ${criterion.code}: ${criterion.title}`));
      for (const element of elementsOf(criterion)) {
        const heading = `${element.code} ${element.title}`;
        expect(listedPage(heading), heading).toBe(headingPage(heading));
        expect(listedPage(heading), heading).toBe(draft.anchors.get(`element-${element.code}`));
      }
    }
    expect(listedPage('Appendix A: Evidence matrix')).toBe(headingPage('Appendix A: Evidence matrix'));
    expect(listedPage('Appendix B: Evidence index')).toBe(headingPage('Appendix B: Evidence index'));
  });

  it('marks every page of a draft DRAFT', () => {
    draft.texts.forEach((text, index) => expect(text, `page ${index + 1}`).toContain('DRAFT'));
  });

  it('prints no DRAFT on a submitted portfolio', () => {
    submitted.texts.forEach((text, index) => expect(text, `page ${index + 1}`).not.toContain('DRAFT'));
    expect(submitted.texts[0]).toContain('Submitted on 5 Nov 2026, 10:30 GMT');
  });

  it('prints hostile markup as text and fetches nothing', () => {
    const text = flatten(draft.texts.join('\n'));

    for (const part of HOSTILE_PARTS) expect(text).toContain(part);
    expect(draft.requestsBlocked).toBe(0);
    expect(submitted.requestsBlocked).toBe(0);
  });

  it('has an outline of the headings', async () => {
    const document = await PDFDocument.load(draft.pdf);
    const titles = outlineTitles(document);

    expect(document.catalog.get(PDFName.of('Outlines'))).toBeDefined();
    expect(titles).toContain('Contents');
    expect(titles).toContain('Appendix B: Evidence index');
    expect(titles).toContain('1.1.1 Evidence-based profile of current and potential customer groups');
    expect(titles).toContain('Criterion 1: Customer Insight');
    expect(titles.length).toBeGreaterThanOrEqual(1 + 5 + 15 + 57);
  });

  it('is a tagged PDF', async () => {
    const document = await PDFDocument.load(draft.pdf);
    const markInfo = document.catalog.lookupMaybe(PDFName.of('MarkInfo'), PDFDict);

    expect(markInfo?.lookupMaybe(PDFName.of('Marked'), PDFBool)?.asBoolean()).toBe(true);
    expect(document.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)).toBeDefined();
    expect(document.catalog.lookupMaybe(PDFName.of('Lang'), PDFString, PDFHexString)?.decodeText()).toBe('en-GB');
  });

  it('links evidence references to the index', async () => {
    const document = await PDFDocument.load(draft.pdf);
    const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);

    expect(dests?.get(PDFName.of('evidence-E300'))).toBeInstanceOf(PDFArray);
    expect(draft.anchors.get('evidence-E1')).toBe(draft.anchors.get('appendix-evidence'));
  });
});
