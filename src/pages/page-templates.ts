import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Handlebars from 'handlebars';

const TEMPLATE_DIR = path.resolve(import.meta.dirname, '../../templates/pages');

const STATE_WORDS: Record<string, string> = {
  draft: 'Draft',
  gatheringEvidence: 'Gathering evidence',
  'peerReview.awaitingMentor': 'Waiting for a mentor',
  'peerReview.inReview': 'In peer review',
  readyToSubmit: 'Ready to submit',
  submitted: 'Submitted to the assessor',
  accredited: 'Accredited',
  notAccredited: 'Not accredited',
  withdrawn: 'Withdrawn',
};

/** Returns a state's name in words, as the pages show it. */
export function stateInWords(state: string): string {
  return STATE_WORDS[state] ?? state;
}

/** Formats an ISO date or timestamp as a day in UTC, such as 4 Dec 2026. Null or undefined gives an empty string. */
export function formatDay(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '' : new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function createPages() {
  const pages = Handlebars.create();
  pages.registerHelper('stateWords', (state: string) => stateInWords(state));
  pages.registerHelper('eq', (left: unknown, right: unknown) => left === right);
  pages.registerHelper('plural', (count: number, one: string, many: string) => (count === 1 ? one : many));
  pages.registerHelper('percent', (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0));
  pages.registerHelper('date', (iso: string | null) => formatDay(iso));

  const partialDir = path.join(TEMPLATE_DIR, 'partials');
  const partialFiles = existsSync(partialDir) ? readdirSync(partialDir) : [];
  for (const file of partialFiles.filter((name) => name.endsWith('.hbs'))) {
    pages.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialDir, file), 'utf8'));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const file of readdirSync(TEMPLATE_DIR).filter((name) => name.endsWith('.hbs'))) {
    compiled.set(path.basename(file, '.hbs'), pages.compile(readFileSync(path.join(TEMPLATE_DIR, file), 'utf8'), { strict: false }));
  }
  return compiled;
}

let templates: Map<string, HandlebarsTemplateDelegate> | null = null;

/** The context every page gets: who is signed in, the CSRF token for its forms, and any message to show. */
export type PageContext = {
  title: string;
  person: { name: string; roles: string[] } | null;
  csrf: string;
  message?: { kind: 'error' | 'success'; text: string } | null;
  [key: string]: unknown;
};

/** Renders `templates/pages/<name>.hbs` inside the layout; templates compile once, on first use. */
export function renderPage(name: string, context: PageContext): string {
  templates ??= createPages();
  const page = templates.get(name);
  const layout = templates.get('layout');
  if (page === undefined || layout === undefined) throw new Error(`Page template ${name}.hbs or layout.hbs is missing from ${TEMPLATE_DIR}`);
  const roles = context.person?.roles ?? [];
  return layout({ ...context, body: page(context), isStaff: roles.includes('library_staff'), isMentor: roles.includes('mentor'), isQuality: roles.includes('quality_group'), isAdmin: roles.includes('admin') });
}
