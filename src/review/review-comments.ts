import { randomUUID } from 'node:crypto';

import type { EntityManager, FilterQuery } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { PersonSchema } from '../people/person.entity.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { ReviewCommentSchema, type ReviewComment } from './review-comment.entity.ts';

export type CommentInput = { elementCode: string; body: string; parentId?: string | null };
export type CommentFilter = { elementCode?: string; unresolved?: boolean };

type PersonRef = { id: string; name: string };

/** A comment as the API returns it, with author and resolver named. */
export type CommentView = {
  id: string;
  elementCode: string;
  parentId: string | null;
  author: PersonRef;
  body: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: PersonRef | null;
};

/** Rejects (422) an element code that is not in the application's standard version. */
export function checkElementCode(standard: LoadedStandard, code: string): void {
  if (!standard.hasElement(code)) {
    throw AppError.invalid(`Element code ${code} is not in ${standard.id} ${standard.version}. Use codes from GET /api/standards/${standard.id}.`);
  }
}

/** Converts comments to their API form, reading the names of authors and resolvers in one query. */
async function describeComments(em: EntityManager, comments: ReviewComment[]): Promise<CommentView[]> {
  const personIds = new Set<string>();
  for (const comment of comments) {
    personIds.add(comment.author);
    if (comment.resolvedBy != null) personIds.add(comment.resolvedBy);
  }
  const people = personIds.size === 0 ? [] : await em.find(PersonSchema, { id: { $in: [...personIds] } });
  const names = new Map(people.map((person) => [person.id, person.name]));
  // As in the history, a person whose row is gone is shown as 'former person' instead of failing the list.
  const ref = (id: string): PersonRef => ({ id, name: names.get(id) ?? 'former person' });

  return comments.map((comment) => ({
    id: comment.id,
    elementCode: comment.elementCode,
    parentId: comment.parent ?? null,
    author: ref(comment.author),
    body: comment.body,
    createdAt: comment.createdAt.toISOString(),
    resolvedAt: comment.resolvedAt?.toISOString() ?? null,
    resolvedBy: comment.resolvedBy == null ? null : ref(comment.resolvedBy),
  }));
}

/**
 * Returns now, or 1 ms after the application's latest comment if that is not
 * earlier. Two comments in one millisecond would otherwise tie, and their random
 * ids would decide the order. Concurrent writers can still tie.
 */
async function nextCommentTime(em: EntityManager, applicationId: string): Promise<Date> {
  const rows = await em
    .getConnection()
    .execute<{ latest: Date | string | null }[]>('select max(created_at) as latest from review_comment where application_id = ?', [applicationId], 'all', em.getTransactionContext());
  const now = new Date();
  const latest = rows[0]?.latest == null ? null : new Date(rows[0].latest);
  return latest !== null && latest.getTime() >= now.getTime() ? new Date(latest.getTime() + 1) : now;
}

/**
 * Adds a comment to the thread of one element. A reply's parent must be a
 * comment on the same application and element (422 otherwise). Comments are
 * conversation, not evidence, so they can be written in any state.
 */
export async function addComment(em: EntityManager, applicationId: string, standard: LoadedStandard, authorId: string, input: CommentInput): Promise<CommentView> {
  checkElementCode(standard, input.elementCode);
  if (input.body.trim() === '') throw AppError.invalid('body is empty. Write the comment text.');

  const parentId = input.parentId ?? null;
  if (parentId !== null) {
    const parent = isUuid(parentId) ? await em.findOne(ReviewCommentSchema, { id: parentId, application: applicationId, elementCode: input.elementCode }) : null;
    if (parent === null) {
      throw AppError.invalid(`parentId "${parentId}" is not a comment on element ${input.elementCode} of application ${applicationId}. Reply to a comment listed by GET /api/applications/${applicationId}/review/elements/${input.elementCode}/comments.`);
    }
  }

  const comment = em.create(ReviewCommentSchema, {
    id: randomUUID(),
    application: applicationId,
    elementCode: input.elementCode,
    parent: parentId === null ? null : parentId.toLowerCase(),
    author: authorId,
    body: input.body,
    createdAt: await nextCommentTime(em, applicationId),
  });
  await em.flush();
  const [view] = await describeComments(em, [comment]);
  return view;
}

/** Lists one page of an application's comments, oldest first, on one element or all of them and optionally only the unresolved ones. */
export async function listComments(em: EntityManager, applicationId: string, filter: CommentFilter, page: { limit: number; offset: number }): Promise<{ items: CommentView[]; total: number }> {
  const where: FilterQuery<ReviewComment> = {
    application: applicationId,
    ...(filter.elementCode === undefined ? {} : { elementCode: filter.elementCode }),
    ...(filter.unresolved === true ? { resolvedAt: null } : {}),
  };
  // Two comments can share a millisecond, so the id keeps their order the same from page to page.
  const [comments, total] = await em.findAndCount(ReviewCommentSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' }, ...page });
  return { items: await describeComments(em, comments), total };
}

/**
 * Marks a comment resolved by `personId`, or open again. Resolving a comment
 * that is already resolved keeps the first resolver and time.
 */
export async function setResolved(em: EntityManager, applicationId: string, commentId: string, resolved: boolean, personId: string): Promise<CommentView> {
  const comment = isUuid(commentId) ? await em.findOne(ReviewCommentSchema, { id: commentId, application: applicationId }) : null;
  if (comment === null) throw AppError.notFound('review comment', commentId);

  if (resolved && comment.resolvedAt == null) {
    comment.resolvedAt = new Date();
    comment.resolvedBy = personId;
  } else if (!resolved) {
    comment.resolvedAt = null;
    comment.resolvedBy = null;
  }
  await em.flush();
  const [view] = await describeComments(em, [comment]);
  return view;
}
