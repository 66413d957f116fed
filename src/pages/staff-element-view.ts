import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { EDITABLE_STATES } from '../evidence/edit-lock.ts';
import { withMappings, type EvidenceJson } from '../evidence/evidence-reads.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { SelfAssessmentSchema } from '../evidence/self-assessment.entity.ts';
import { listComments, type CommentView } from '../review/review-comments.ts';
import type { StandardNode, StandardRegistry } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';
import type { FieldError } from './staff-access.ts';
import { readLatestVerdicts } from './staff-application-view.ts';
import { kindWords, verdictWords } from './staff-words.ts';

// NOTE: an application with more items or comments than these shows only the first ones on the element page.
const EVIDENCE_LIMIT = 1000;
const COMMENT_LIMIT = 500;

/** Form state for the element page after a rejected post: the values sent and the fields at fault. */
export type ElementFormState = { errors?: FieldError[]; values?: Record<string, string>; message?: unknown };

/** Returns a link target only for http and https URLs, so that no stored value becomes a script link. */
function safeUrl(url: string | null): string | null {
  return url !== null && /^https?:\/\//i.test(url) ? url : null;
}

function describeItem(applicationId: string, item: EvidenceJson) {
  return {
    id: item.id,
    title: item.title,
    kind: kindWords(item.kind),
    url: safeUrl(item.url),
    fileHref: item.kind === 'file' ? `/applications/${applicationId}/evidence/${item.id}/file` : null,
    fileName: item.fileName,
    body: item.body,
  };
}

function findNode(nodes: readonly StandardNode[], code: string): StandardNode | undefined {
  for (const node of nodes) {
    if (node.code === code) return node;
    const found = findNode(node.children, code);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Groups comments into threads: each top-level comment with every reply beneath it, oldest first. */
function threads(comments: CommentView[]) {
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  const rootOf = (comment: CommentView): string => {
    let current = comment;
    while (current.parentId !== null && byId.has(current.parentId)) current = byId.get(current.parentId)!;
    return current.id;
  };
  const view = (comment: CommentView) => ({ id: comment.id, author: comment.author.name, body: comment.body, createdAt: comment.createdAt, resolved: comment.resolvedAt !== null });
  const roots = comments.filter((comment) => rootOf(comment) === comment.id);
  return roots.map((root) => ({ ...view(root), replies: comments.filter((comment) => comment.id !== root.id && rootOf(comment) === root.id).map(view) }));
}

/** Builds the page of one element: its rating and statement, evidence, evidence that could be mapped to it, and the review threads. */
export async function buildElementView(em: EntityManager, standards: StandardRegistry, application: Application, code: string, form: ElementFormState = {}) {
  const standard = standardOf(standards, application);
  const element = standard.element(code);
  if (element === undefined) throw AppError.notFound('element', code);

  const codes = standard.elementCodes();
  const position = codes.indexOf(code);
  const assessment = await em.findOne(SelfAssessmentSchema, { application: application.id, elementCode: code });
  const values = form.values ?? {};
  const chosenRating = values.rating ?? assessment?.rating ?? null;

  const items = await withMappings(em, await em.find(EvidenceSchema, { application: application.id, deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: EVIDENCE_LIMIT }));
  const mapped = items.filter((item) => item.elements.some((mapping) => mapping.code === code));
  const unmapped = items.filter((item) => !item.elements.some((mapping) => mapping.code === code));
  const comments = await listComments(em, application.id, { elementCode: code }, { limit: COMMENT_LIMIT, offset: 0 });
  const verdict = (await readLatestVerdicts(em, application.id)).get(code) ?? null;

  const ancestorTitles = element.ancestors.map((ancestor) => ({ code: ancestor, title: findNode(standard.criteria, ancestor)?.title ?? ancestor }));

  return {
    application: { id: application.id, standardTitle: standard.title, state: stateInWords(application.state) },
    editable: (EDITABLE_STATES as readonly string[]).includes(application.state),
    element: { code: element.code, title: element.title, ancestors: ancestorTitles },
    previousCode: position > 0 ? codes[position - 1] : null,
    nextCode: position < codes.length - 1 ? codes[position + 1] : null,
    ratings: standard.ratingScale.map((rating) => ({ id: rating.id, label: rating.label, description: rating.description ?? null, checked: rating.id === chosenRating })),
    statement: values.statement ?? (assessment?.statement as string | undefined) ?? '',
    rated: assessment !== null,
    // The stored rating and statement, which the page shows as text when the application is not editable.
    saved: assessment === null ? null : { rating: standard.ratingScale.find((rating) => rating.id === assessment.rating)?.label ?? assessment.rating, statement: (assessment.statement as string | undefined) ?? '' },
    evidence: mapped.map((item) => describeItem(application.id, item)),
    unmapped: unmapped.map((item) => ({ id: item.id, title: item.title, kind: kindWords(item.kind) })),
    threads: threads(comments.items),
    verdict: verdict === null ? null : { words: verdictWords(verdict.verdict), comment: verdict.comment },
    values,
    errors: form.errors ?? [],
    hasErrors: (form.errors ?? []).length > 0,
    ...(form.message === undefined ? {} : { message: form.message }),
  };
}
