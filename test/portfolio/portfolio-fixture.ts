import { createHash } from 'node:crypto';

import { extractText, getDocumentProxy } from 'unpdf';

import type { RecordedEvidence } from '../../src/evidence/current-record.ts';
import { assemblePortfolioView, type ElementVerdict } from '../../src/portfolio/build-portfolio-view.ts';
import type { PortfolioComment, PortfolioView } from '../../src/portfolio/portfolio-view.ts';
import { StandardRegistry } from '../../src/standards/standard-registry.ts';
import { makeCseAssessments, makeCseMatrix } from '../fixtures/matrix/make-cse-matrix.ts';

export const LIBRARY_NAME = 'Llyfrgelloedd Ceredigion Libraries';

/** One line per script, as a library might write a multilingual welcome into a statement. */
export const MIXED_SCRIPT_LINES = ['Gwasanaeth ŵyr ŷd', 'Café naïve Ærøskøbing', 'مرحبا بكم في المكتبة', 'ברוכים הבאים לספרייה', '📚✅'];

/** Markup pasted into user fields; the portfolio must print it as text and fetch nothing. */
export const HOSTILE_PARTS = ['<script>alert(1)</script>', '<iframe src="https://example.org">', '<img src="file:///etc/passwd">', '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'];

const MENTOR = 'Dr Rhiannon Pryce';
const STAFF = ['Siân Llewelyn', 'Amir Haddad', "Chloë O'Brien"];

/**
 * Builds the view of a CSE application with all 57 elements and 300 evidence
 * items from the seeded matrix fixture. It has files with hashes, links and
 * notes, self-ratings on the whole scale (every tenth element unrated), and a
 * mentor's verdicts and comment threads. Element 1.1.1's statement contains the
 * mixed-script lines and element 5.3.3's the hostile markup.
 */
export async function makeCsePortfolioView(options: { submitted: boolean }): Promise<PortfolioView> {
  const standard = (await StandardRegistry.load()).latest('cse')!;
  const evidence: RecordedEvidence[] = makeCseMatrix(300).map((item, index) => {
    const number = index + 1;
    let kind: RecordedEvidence['kind'] = index % 2 === 0 ? 'file' : 'note';
    if (item.link !== null) kind = 'link';
    const fileName = kind === 'file' ? `${item.title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}.pdf` : null;
    return {
      id: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
      revision: 1 + (index % 3),
      kind,
      title: item.title,
      body: kind === 'note' ? (item.notes ?? 'Summary written by the Customer Services Manager.') : null,
      url: item.link,
      fileName,
      sha256: kind === 'file' ? createHash('sha256').update(`evidence file ${number}`).digest('hex') : null,
      size: kind === 'file' ? 40_000 + number * 977 : null,
      mediaType: kind === 'file' ? 'application/pdf' : null,
      reference: item.reference,
      elements: item.elements.map((code) => ({ code, note: item.notes ?? `Shows how we meet ${code}.` })),
    };
  });
  evidence[41] = { ...evidence[41], title: `Pasted web page: ${HOSTILE_PARTS.join(' ')}` };

  const selfAssessments = makeCseAssessments()
    .filter((_, index) => index % 10 !== 9)
    .map((assessment) => {
      if (assessment.code === '1.1.1') return { ...assessment, statement: MIXED_SCRIPT_LINES.join('\n') };
      if (assessment.code === '5.3.3') return { ...assessment, statement: `Copied from our web page:\n${HOSTILE_PARTS.join('\n')}` };
      return assessment;
    });

  const verdicts = new Map<string, ElementVerdict>();
  const comments = new Map<string, PortfolioComment[]>();
  standard.elements.forEach((element, index) => {
    const needsWork = index % 6 === 2;
    verdicts.set(element.code, {
      verdict: needsWork ? 'needs_work' : 'ok',
      comment: needsWork ? `The evidence for ${element.code} describes the policy but not how staff apply it. Add an example from the last year.` : '',
      suggestedRating: needsWork ? { id: 'partial_compliance', label: 'Partial Compliance' } : null,
      mentor: MENTOR,
    });
    if (index % 4 === 0) {
      comments.set(element.code, [
        { author: MENTOR, body: `Could you add the date the ${element.code} evidence was last reviewed?`, time: '2026-10-02T09:14:00.000Z', resolved: index % 8 === 0 },
        { author: STAFF[index % STAFF.length], body: 'Added to the item notes.\nThe review date is on page 2 of the document.', time: '2026-10-03T15:40:00.000Z', resolved: false },
      ]);
    }
  });
  comments.set('5.3.3', [{ author: STAFF[0], body: `Pasted by mistake: ${HOSTILE_PARTS[0]}`, time: '2026-10-04T08:00:00.000Z', resolved: false }]);

  return assemblePortfolioView({
    standard,
    record: { evidence, selfAssessments },
    library: { name: LIBRARY_NAME },
    application: { id: '3f2a9c1e-7b4d-4e8a-9f61-2c5d8e0b7a14', cycle: 'initial', state: options.submitted ? 'submitted' : 'readyToSubmit' },
    submittedAt: options.submitted ? new Date('2026-11-05T10:30:00Z') : null,
    now: new Date('2026-11-04T16:00:00Z'),
    verdicts,
    comments,
  });
}

/** Extracts the text of each page with unpdf (pdf.js). */
export async function pageTexts(pdf: Uint8Array): Promise<string[]> {
  // pdf.js takes ownership of the buffer it reads, so it gets a copy.
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: false });
  return text;
}

/** Collapses runs of white space (line breaks included) to one space, for matching text that may wrap. */
export function flatten(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * Rebuilds right-to-left lines of one page in logical order. A PDF stores glyphs
 * in visual order and pdf.js returns each line's runs left to right, so a line of
 * mostly right-to-left runs is read from its right edge. NFKC folds the Arabic
 * presentation forms (U+FB50–U+FEFF) that Chromium's font subsets map shaped
 * glyphs to back into the letters that were typed.
 */
export async function rightToLeftLines(pdf: Uint8Array, pageNumber: number): Promise<string[]> {
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const content = await (await document.getPage(pageNumber)).getTextContent();
  const lines = new Map<number, { str: string; dir: string; x: number }[]>();
  for (const item of content.items) {
    if (!('str' in item)) continue;
    const baseline = Math.round(item.transform[5]);
    const line = lines.get(baseline) ?? [];
    line.push({ str: item.str, dir: item.dir, x: item.transform[4] });
    lines.set(baseline, line);
  }

  const result: string[] = [];
  for (const items of lines.values()) {
    const rightToLeft = items.filter((item) => item.dir === 'rtl').length;
    if (rightToLeft * 2 <= items.filter((item) => item.str.trim() !== '').length) continue;
    const ordered = items.toSorted((a, b) => b.x - a.x);
    result.push(ordered.map((item) => item.str).join('').normalize('NFKC').trim());
  }
  return result;
}
