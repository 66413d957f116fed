import type { EntityManager } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { standardOf } from '../applications/standard-of.ts';
import type { SubmissionRecord } from '../applications/submission-record.ts';
import { SubmissionSchema } from '../applications/submission.entity.ts';
import { AppError } from '../errors.ts';
import { readCurrentRecord, type EvidenceRecord, type RecordedEvidence } from '../evidence/current-record.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';
import { ElementReviewSchema } from '../review/element-review.entity.ts';
import { ReviewCommentSchema, type ReviewComment } from '../review/review-comment.entity.ts';
import { ReviewRoundSchema } from '../review/review-round.entity.ts';
import type { LoadedStandard, StandardNode, StandardRegistry } from '../standards/standard-registry.ts';
import type { PortfolioComment, PortfolioElement, PortfolioEvidence, PortfolioGroup, PortfolioSummaryRow, PortfolioView } from './portfolio-view.ts';

export type ElementVerdict = NonNullable<PortfolioElement['review']>;

/**
 * Builds the plain view a portfolio is rendered from. With a submission id it
 * reads the submission's stored record, so the portfolio shows exactly what was
 * submitted, and only the verdicts and comments that existed at submission.
 * Without one it reads the current evidence and marks the view as a draft.
 * Throws AppError not_found for an unknown application or submission.
 */
export async function buildPortfolioView(em: EntityManager, standards: StandardRegistry, input: { applicationId: string; submissionId: string | null }): Promise<PortfolioView> {
  const application = await em.findOne(ApplicationSchema, { id: input.applicationId });
  if (application === null) throw AppError.notFound('application', input.applicationId);
  const library = await em.findOneOrFail(LibrarySchema, { id: application.library });

  let record: EvidenceRecord;
  let standard: LoadedStandard;
  let submittedAt: Date | null = null;
  if (input.submissionId === null) {
    standard = standardOf(standards, application);
    record = await readCurrentRecord(em, application.id);
  } else {
    const submission = await em.findOne(SubmissionSchema, { id: input.submissionId, application: application.id });
    if (submission === null) throw AppError.notFound('submission of this application', input.submissionId);
    const stored = submission.record as SubmissionRecord;
    standard = standardOf(standards, { id: application.id, standardId: stored.standard.id, standardVersion: stored.standard.version });
    record = stored;
    submittedAt = submission.submittedAt;
  }

  const ratingOf = ratingLookup(standard);
  return assemblePortfolioView({
    standard,
    record,
    library: { name: library.name },
    application: { id: application.id, cycle: application.cycle, state: application.state },
    submittedAt,
    now: new Date(),
    verdicts: await readLatestVerdicts(em, application.id, submittedAt, ratingOf),
    comments: await readCommentThreads(em, application.id, submittedAt),
  });
}

/** The data a portfolio is assembled from, once read from the database or made up in a test. */
export type PortfolioSources = {
  standard: LoadedStandard;
  record: EvidenceRecord;
  library: { name: string };
  application: { id: string; cycle: string; state: string };
  /** Set for a submitted portfolio, null for a draft. */
  submittedAt: Date | null;
  now: Date;
  verdicts: Map<string, ElementVerdict>;
  comments: Map<string, PortfolioComment[]>;
};

/**
 * Assembles the view from plain data: numbers the evidence E1, E2, … in the
 * record's order, walks the standard's tree, and counts each criterion.
 */
export function assemblePortfolioView(sources: PortfolioSources): PortfolioView {
  const { standard, record } = sources;
  const ratingOf = ratingLookup(standard);
  const evidence = record.evidence.map((item, index) => toPortfolioEvidence(item, `E${index + 1}`));
  const assessments = new Map(record.selfAssessments.map((assessment) => [assessment.code, assessment]));

  const elementOf = (node: StandardNode): PortfolioElement => {
    const assessment = assessments.get(node.code);
    return {
      code: node.code,
      title: node.title,
      confirmed: node.confirmed ?? true,
      rating: ratingOf(assessment?.rating),
      statement: assessment?.statement ?? '',
      review: sources.verdicts.get(node.code) ?? null,
      comments: sources.comments.get(node.code) ?? [],
      evidence: evidence.flatMap((item, index) =>
        record.evidence[index].elements.filter((mapping) => mapping.code === node.code).map((mapping) => ({ ref: item.ref, title: item.title, note: mapping.note })),
      ),
    };
  };
  // Items (leaves) carry `confirmed` and groups never do, whatever their depth.
  const groupOf = (node: StandardNode): PortfolioGroup => ({
    code: node.code,
    title: node.title,
    level: node.level,
    groups: node.children.filter((child) => child.confirmed === undefined).map(groupOf),
    elements: node.children.filter((child) => child.confirmed !== undefined).map(elementOf),
  });
  const criteria = standard.criteria.map(groupOf);

  const submittedAt = sources.submittedAt;
  return {
    draft: submittedAt === null,
    library: { name: sources.library.name },
    standard: { id: standard.id, version: standard.version, title: standard.title, notice: standard.notice, ratingScale: standard.ratingScale.map((rating) => ({ id: rating.id, label: rating.label })) },
    // A submission record is only made when an event moves the application to `submitted`.
    application: { ...sources.application, state: submittedAt === null ? sources.application.state : 'submitted' },
    date: londonDate(submittedAt ?? sources.now),
    submittedAt: submittedAt?.toISOString() ?? null,
    summary: criteria.map((criterion) => summarise(criterion, standard)),
    criteria,
    evidence,
  };
}

function ratingLookup(standard: LoadedStandard) {
  const labels = new Map(standard.ratingScale.map((rating) => [rating.id, rating.label]));
  return (id: string | null | undefined) => (id == null ? null : { id, label: labels.get(id) ?? id });
}

function toPortfolioEvidence(item: RecordedEvidence, ref: string): PortfolioEvidence {
  if (item.kind !== 'note' && item.kind !== 'link' && item.kind !== 'file') {
    throw new Error(`Evidence ${item.id} has kind "${item.kind}", which a portfolio cannot show. Expected note, link or file.`);
  }
  return {
    ref,
    id: item.id,
    kind: item.kind,
    title: item.title,
    revision: item.revision,
    sha256: item.sha256,
    body: item.body,
    url: item.url,
    fileName: item.fileName,
    mediaType: item.mediaType,
    size: item.size,
    reference: item.reference,
    elementCodes: [...new Set(item.elements.map((mapping) => mapping.code))],
  };
}

/**
 * Reads, per element, the verdict of the newest round that judged it. A
 * `not_reviewed` verdict is skipped, so an earlier round's judgement still
 * shows. With `until` set, rounds opened and verdicts changed after it are left out.
 */
async function readLatestVerdicts(
  em: EntityManager,
  applicationId: string,
  until: Date | null,
  ratingOf: (id: string | null | undefined) => { id: string; label: string } | null,
): Promise<Map<string, ElementVerdict>> {
  const roundFilter = until === null ? { application: applicationId } : { application: applicationId, openedAt: { $lte: until } };
  const rounds = await em.find(ReviewRoundSchema, roundFilter, { orderBy: { number: 'desc' } });
  if (rounds.length === 0) return new Map();

  const rows = await em.find(ElementReviewSchema, { round: { $in: rounds.map((round) => round.id) }, verdict: { $ne: 'not_reviewed' } });
  const mentorNames = await readNames(em, rounds.map((round) => round.mentor));
  const byRound = Map.groupBy(rows, (row) => row.round);

  const verdicts = new Map<string, ElementVerdict>();
  for (const round of rounds) {
    for (const row of byRound.get(round.id) ?? []) {
      if (verdicts.has(row.elementCode)) continue;
      if (until !== null && row.updatedAt.getTime() > until.getTime()) continue;
      verdicts.set(row.elementCode, {
        verdict: row.verdict,
        comment: row.comment ?? '',
        suggestedRating: ratingOf(row.suggestedRating),
        mentor: mentorNames.get(round.mentor) ?? 'former person',
      });
    }
  }
  return verdicts;
}

/**
 * Reads each element's comment thread in reading order: first comments by
 * time, each followed by its replies. With `until` set, later comments are left
 * out and a comment counts as resolved only if it was resolved by then.
 */
async function readCommentThreads(em: EntityManager, applicationId: string, until: Date | null): Promise<Map<string, PortfolioComment[]>> {
  const filter = until === null ? { application: applicationId } : { application: applicationId, createdAt: { $lte: until } };
  const rows = await em.find(ReviewCommentSchema, filter, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const names = await readNames(em, rows.map((row) => row.author));
  const known = new Set(rows.map((row) => row.id));
  // A reply whose parent is missing (left out by `until`, say) starts its own thread instead of vanishing.
  const replies = Map.groupBy(
    rows.filter((row) => row.parent != null && known.has(row.parent)),
    (row) => row.parent as string,
  );

  const threads = new Map<string, PortfolioComment[]>();
  const visit = (row: ReviewComment, into: PortfolioComment[]) => {
    const resolved = row.resolvedAt != null && (until === null || row.resolvedAt.getTime() <= until.getTime());
    into.push({ author: names.get(row.author) ?? 'former person', body: row.body, time: row.createdAt.toISOString(), resolved });
    for (const reply of replies.get(row.id) ?? []) visit(reply, into);
  };
  for (const row of rows) {
    if (row.parent != null && known.has(row.parent)) continue;
    let thread = threads.get(row.elementCode);
    if (thread === undefined) threads.set(row.elementCode, (thread = []));
    visit(row, thread);
  }
  return threads;
}

async function readNames(em: EntityManager, personIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(personIds)];
  if (unique.length === 0) return new Map();
  const people = await em.find(PersonSchema, { id: { $in: unique } });
  return new Map(people.map((person) => [person.id, person.name]));
}

function summarise(criterion: PortfolioGroup, standard: LoadedStandard): PortfolioSummaryRow {
  const elements = allElements(criterion);
  // Every rating of the scale gets a count, zero included, so tables and charts need no defaults.
  const ratings: Record<string, number> = Object.fromEntries(standard.ratingScale.map((rating) => [rating.id, 0]));
  for (const element of elements) {
    if (element.rating !== null) ratings[element.rating.id] = (ratings[element.rating.id] ?? 0) + 1;
  }
  return {
    code: criterion.code,
    title: criterion.title,
    elements: elements.length,
    withEvidence: elements.filter((element) => element.evidence.length > 0).length,
    rated: elements.filter((element) => element.rating !== null).length,
    ratings,
  };
}

function allElements(group: PortfolioGroup): PortfolioElement[] {
  return [...group.elements, ...group.groups.flatMap(allElements)];
}

/** Formats the calendar date in the UK (Europe/London) as YYYY-MM-DD, the order in which the en-CA locale writes dates. */
function londonDate(time: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
}
