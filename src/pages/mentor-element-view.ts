import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import { readCurrentRecord } from '../evidence/current-record.ts';
import type { Person } from '../people/person.entity.ts';
import { listComments, type CommentView } from '../review/review-comments.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { describeChange, describeHeader, elementPath, groupTitles, ratingLabel, verdictInWords } from './mentor-views.ts';
import { kindWords } from './staff-words.ts';

// An element with more comments than this shows the oldest ones only, and the page states that it does.
const MAX_COMMENTS = 500;

const VERDICT_CHOICES = [
  { id: 'ok', label: 'OK', hint: 'The evidence and statement meet this element.' },
  { id: 'needs_work', label: 'Needs work', hint: 'The library must change something; say what in the comment.' },
  { id: 'not_reviewed', label: 'Not reviewed', hint: 'You have not decided yet.' },
] as const;

/** The verdict form's values when a post failed, so the page shows what the mentor sent instead of the stored verdict. */
export type VerdictDraft = { verdict: string; comment: string; suggestedRating: string };

type Thread = CommentView & { replies: CommentView[] };

function threadsOf(comments: CommentView[]): Thread[] {
  const threads = new Map<string, Thread>();
  const orphans: CommentView[] = [];
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  for (const comment of comments) {
    if (comment.parentId === null) threads.set(comment.id, { ...comment, replies: [] });
    else orphans.push(comment);
  }
  for (const reply of orphans) {
    // A reply to a reply joins the top-level thread it belongs to, so the page nests one level only.
    let parentId: string | null = reply.parentId;
    while (parentId !== null && !threads.has(parentId)) parentId = byId.get(parentId)?.parentId ?? null;
    const thread = parentId === null ? undefined : threads.get(parentId);
    if (thread === undefined) threads.set(reply.id, { ...reply, replies: [] });
    else thread.replies.push(reply);
  }
  return [...threads.values()];
}

/**
 * Builds the element page: the evidence mapped to `code`, the statement and
 * self-rating, what changed since the previous round, the verdict form and
 * the comment thread. An unknown code is a 404.
 */
export async function describeElement(em: EntityManager, standards: StandardRegistry, application: Application, mentor: Person, code: string, draft: VerdictDraft | null, now: Date) {
  const { standard, header, round } = await describeHeader(em, standards, application, now);
  const element = standard.element(code);
  if (element === undefined) throw new AppError('not_found', `Element ${code} is not in ${standard.title} ${standard.version}. Choose an element from the assignment page.`);

  const record = await readCurrentRecord(em, application.id);
  const evidence = record.evidence
    .filter((item) => item.elements.some((mapping) => mapping.code === code))
    .map((item) => ({
      id: item.id,
      title: item.title,
      kind: kindWords(item.kind),
      revision: item.revision,
      body: item.body,
      // Only web addresses become links, so a stored `javascript:` address stays inert text.
      url: item.url,
      linkable: item.url !== null && /^https?:\/\//i.test(item.url),
      downloadPath: item.kind === 'file' && item.fileName !== null ? `/assignments/${application.id}/evidence/${item.id}/file` : null,
      fileName: item.fileName,
      note: item.elements.find((mapping) => mapping.code === code)?.note ?? '',
    }));
  const assessment = record.selfAssessments.find((row) => row.code === code) ?? null;

  const change = round?.changes?.find((entry) => entry.code === code);
  const changeText = change === undefined ? null : describeChange(standard, change);
  const stored = round?.verdicts.find((verdict) => verdict.code === code);
  const values = draft ?? { verdict: stored?.verdict ?? 'not_reviewed', comment: stored?.comment ?? '', suggestedRating: stored?.suggestedRating ?? '' };

  const comments = await listComments(em, application.id, { elementCode: code }, { limit: MAX_COMMENTS, offset: 0 });
  const codes = standard.elementCodes();
  const position = codes.indexOf(code);

  const path = elementPath(application.id, code);
  const previous = codes[position - 1];
  const next = codes[position + 1];
  return {
    header,
    paths: {
      assignment: `/assignments/${application.id}`,
      verdict: `${path}/verdict`,
      comments: `${path}/comments`,
      previous: previous === undefined ? null : { code: previous, path: elementPath(application.id, previous) },
      next: next === undefined ? null : { code: next, path: elementPath(application.id, next) },
    },
    element: { code, title: element.title, ancestors: element.ancestors.map((ancestor) => ({ code: ancestor, title: groupTitles(standard).get(ancestor) ?? '' })) },
    position: { number: position + 1, of: codes.length },
    evidence,
    assessment: assessment === null ? null : { rating: ratingLabel(standard, assessment.rating), statement: assessment.statement },
    changeText,
    comparesWithEarlierRound: round?.changes != null,
    canGiveVerdict: application.state === 'peerReview.inReview' && round !== null && round.decision === null && round.mentor.id === mentor.id,
    currentVerdict: { words: verdictInWords(stored?.verdict), comment: stored?.comment ?? '', updatedAt: stored?.updatedAt ?? null },
    verdictChoices: VERDICT_CHOICES.map((choice) => ({ ...choice, checked: choice.id === values.verdict })),
    verdictComment: values.comment,
    ratingChoices: standard.ratingScale.map((rating) => ({ id: rating.id, label: rating.label, selected: rating.id === values.suggestedRating })),
    threads: threadsOf(comments.items),
    commentsCut: comments.total > comments.items.length,
  };
}
