import { ApplicationWalk } from './application-walk.ts';
import { DEMO_DOCUMENTS, MATRIX_FILE, readDocument, readMatrixFile, readSelfAssessment } from './demo-data.ts';
import type { DemoContext } from './demo-context.ts';
import { saveRender, waitForSubmittedRender } from './submitted-portfolio.ts';

/** The name of the submitted portfolio under ./out/. */
export const PORTFOLIO_FILE = 'northgate-university-library-cse-portfolio.pdf';

// The two elements Northgate rated Partial Compliance, which its mentor questions in the first round.
const MENTOR_CONCERNS: Record<string, string> = {
  '1.2.3': 'You say research students are not yet reached. Show what you will measure in spring 2027 and who owns it, so the assessor sees a plan, not a gap.',
  '5.3.3': 'The consortium comparison covers email and chat only. Add telephone and desk figures, or explain why they are not compared.',
};

/**
 * Northgate's initial application, the demo's centrepiece, built by the API the
 * way its people would: the matrix import, the documents, 57 self-ratings and
 * statements, two rounds of peer review, submission, the portfolio and the
 * assessor's outcome. Returns the application's id and the saved PDF's path.
 */
export async function buildCentrepiece(context: DemoContext, outDir: string): Promise<{ applicationId: string; pdfPath: string }> {
  const { say } = context;
  const walk = await new ApplicationWalk(context, 'northgate').create();
  await walk.start();
  say(`  created the initial application ${walk.id} and started gathering evidence`);

  const matrix = readMatrixFile();
  const checked = await walk.staff.upload<{ rows: number; created: number }>(`${walk.path}/evidence-matrix?dryRun=true`, [matrix], {}, 200);
  say(`  checked ${MATRIX_FILE}: ${checked.rows} rows, no errors`);
  const imported = await walk.staff.upload<{ created: number }>(`${walk.path}/evidence-matrix`, [matrix], {}, 200);
  say(`  imported ${imported.created} evidence items from the matrix`);

  for (const document of DEMO_DOCUMENTS) {
    await walk.staff.upload(`${walk.path}/evidence`, [readDocument(document)], { title: document.title, elements: document.elements.join(',') });
  }
  say(`  uploaded ${DEMO_DOCUMENTS.length} documents: ${DEMO_DOCUMENTS.map((document) => document.file).join(', ')}`);

  await rateElements(context, walk);
  await walk.requestReview();
  await walk.assignMentor({ reason: 'Top of the suggestions: no conflict with Northgate and a free place this term.' });
  say(`  requested peer review; the quality group assigned ${walk.mentorName}, the first suggestion`);

  await firstRound(walk);
  say(`  round 1: ${walk.mentorName} asked for changes to ${Object.keys(MENTOR_CONCERNS).join(' and ')}`);
  await makeChanges(walk);
  say('  Northgate answered the comments, added evidence and revised two statements, then asked for review again');

  await walk.review(context.standard.elementCodes());
  await walk.approve();
  say(`  round 2: ${walk.mentorName} approved the application`);

  await walk.submit();
  say('  submitted; the portfolio render is queued');
  const render = await waitForSubmittedRender(walk.staff, walk.id, say);
  const pdfPath = await saveRender(walk.staff, walk.id, render.id, outDir, PORTFOLIO_FILE);
  say(`  portfolio ready: ${render.pages ?? '?'} pages`);

  const state = await walk.recordOutcome(new Date().toISOString().slice(0, 10), { '1.2.3': 'partial_compliance', '5.3.3': 'compliance', '1.2.2': 'compliance_plus', '2.2.4': 'compliance_plus', '3.3.1': 'compliance_plus', '3.4.3': 'compliance_plus', '4.3.3': 'compliance_plus' });
  say(`  the quality group recorded the assessor's outcome: ${state}; the first annual review is open as a draft`);
  return { applicationId: walk.id, pdfPath };
}

/** Puts Northgate's 57 self-ratings and statements one element at a time, as a person working through the standard would. */
async function rateElements(context: DemoContext, walk: ApplicationWalk): Promise<void> {
  const ratingIds = new Map(context.standard.ratingScale.map((rating) => [rating.label, rating.id]));
  const rows = readSelfAssessment();
  for (const [index, row] of rows.entries()) {
    const rating = ratingIds.get(row.ratingLabel);
    if (rating === undefined) throw new Error(`The demo's self-assessment rates ${row.code} "${row.ratingLabel}", which is not a rating of ${context.standard.id}.`);
    await walk.staff.json('PUT', `${walk.path}/self-assessment/${row.code}`, { rating, statement: row.statement });
    if ((index + 1) % 19 === 0 || index + 1 === rows.length) context.say(`  self-ratings and statements: ${index + 1} of ${rows.length}`);
  }
}

/** Reviews every element as the mentor, questions the two partial ones in a comment thread and requests changes. */
async function firstRound(walk: ApplicationWalk): Promise<void> {
  await walk.review(walk.context.standard.elementCodes(), MENTOR_CONCERNS);
  for (const [code, concern] of Object.entries(MENTOR_CONCERNS)) {
    await walk.mentor.json('POST', `${walk.path}/review/elements/${code}/comments`, { body: concern }, 201);
  }
  await walk.requestChanges('A clear, well-organised submission. Two partial elements need a firmer plan or fuller evidence before the assessor sees them.');
}

/** Replies to each comment as Northgate, adds what the mentor requested, resolves the threads and requests review again. */
async function makeChanges(walk: ApplicationWalk): Promise<void> {
  await walk.staff.json('POST', `${walk.path}/evidence`, {
    kind: 'note',
    title: 'Engagement review plan for research students, spring 2027',
    body: 'Owner: Research Support Manager. Measure: response rate and reach of the PGR forum, the doctoral college survey and drop-in sessions, by department. Report to the Library User Forum in June 2027.',
    elements: [{ code: '1.2.3', note: 'The plan the mentor asked for' }],
  }, 201);
  await walk.staff.json('POST', `${walk.path}/evidence`, {
    kind: 'link',
    title: 'Consortium benchmarking 2026: telephone and desk waiting times',
    url: 'https://northgate.sharepoint.example.com/sites/Library/CSE%20Evidence/Benchmarking/desk-and-phone-2026.xlsx',
    elements: [{ code: '5.3.3', note: 'Adds the channels the first comparison left out' }],
  }, 201);
  await walk.staff.json('PUT', `${walk.path}/self-assessment/1.2.3`, {
    rating: 'partial_compliance',
    statement: 'We reviewed our engagement methods in 2025–26 and replaced the paper postcard survey with pop-up stalls. Reach among research students is not yet measured; the Research Support Manager will measure it in spring 2027 and report to the User Forum in June.',
  });
  await walk.staff.json('PUT', `${walk.path}/self-assessment/5.3.3`, {
    rating: 'compliance',
    statement: 'Across the consortium our email replies are second fastest of nine, and desk and telephone waits are in the top third. Chat is mid-table, and a quick-reply library introduced in October is closing the gap.',
  });

  const comments = await walk.staff.json<{ items: { id: string; elementCode: string }[] }>('GET', `${walk.path}/review/comments?unresolved=true`);
  for (const comment of comments.items) {
    await walk.staff.json('POST', `${walk.path}/review/elements/${comment.elementCode}/comments`, { body: 'Thank you: added in the new evidence item and the revised statement.', parentId: comment.id }, 201);
    await walk.staff.json('PATCH', `${walk.path}/review/comments/${comment.id}`, { resolved: true });
  }
  await walk.requestReview();
}
