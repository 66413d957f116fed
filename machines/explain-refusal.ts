import {
  APPLICATION_EVENT_TYPES,
  declaredConflict,
  hasChangesToRequest,
  hasText,
  isReviewComplete,
  worksForLibrary,
} from './application.machine.ts';
import type { ApplicationEvent, ApplicationSnapshot, CoverageFacts } from './application.machine.ts';
import { compareElementCodes, findUnratedElements } from './certification-rule.ts';

export type RefusalExplanation = { kind: 'not_allowed_in_state' | 'guard'; message: string };

// Long lists of unrated elements would swamp a 409 message, so only this many are named and the rest counted.
const MAX_LISTED_ELEMENTS = 10;

const SAMPLE_ELEMENT_CODE = '1.1.1';

/**
 * Builds an event of `type` whose payload passes every payload guard, so that
 * `snapshot.can` on it depends only on the state (and, for review.request, on
 * `coverage`, which defaults to complete coverage).
 */
export function buildPermissiveEvent(
  type: ApplicationEvent['type'],
  coverage: CoverageFacts = { elements: 1, withEvidence: 1, rated: 1 },
): ApplicationEvent {
  switch (type) {
    case 'review.request':
      return { type, coverage };
    case 'mentor.assign':
      return { type, mentorId: 'sample-mentor', mentor: { id: 'sample-mentor', libraryId: null, conflictLibraryIds: [] } };
    case 'mentor.release':
      return { type, reason: 'sample reason' };
    case 'review.requestChanges':
      return { type, comment: 'sample comment' };
    case 'outcome.record':
      return {
        type,
        ratings: { [SAMPLE_ELEMENT_CODE]: 'compliance' },
        reportDate: '2000-01-01',
        certificationBody: 'sample body',
        elementCodes: [SAMPLE_ELEMENT_CODE],
        rule: { blocking: [], maxCount: {} },
      };
    case 'start':
    case 'review.approve':
    case 'submit':
    case 'reopen':
    case 'withdraw':
      return { type };
  }
}

/**
 * Lists the event types that the snapshot's state accepts, judging the
 * evidence coverage guard with `facts.coverage` and assuming that every
 * payload guard (comment, reason, mentor, ratings) passes.
 */
export function allowedEventTypes(
  snapshot: ApplicationSnapshot,
  facts: { coverage: CoverageFacts },
): ApplicationEvent['type'][] {
  return APPLICATION_EVENT_TYPES.filter((type) => snapshot.can(buildPermissiveEvent(type, facts.coverage)));
}

/** Formats a state value such as `{ peerReview: 'inReview' }` as `peerReview.inReview`. */
export function formatStateValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, child]) => `${key}.${formatStateValue(child)}`)
      .join(', ');
  }
  return String(value);
}

/**
 * Explains why the snapshot rejects `event`, for the message of a 409 response.
 * Call it only when `snapshot.can(event)` is false, because it throws when the
 * event is accepted.
 */
export function explainRefusal(snapshot: ApplicationSnapshot, event: ApplicationEvent): RefusalExplanation {
  if (snapshot.can(event)) {
    throw new Error(`explainRefusal was called for event '${event.type}', which state ${formatStateValue(snapshot.value)} accepts`);
  }

  const state = formatStateValue(snapshot.value);
  if (!snapshot.can(buildPermissiveEvent(event.type))) {
    return { kind: 'not_allowed_in_state', message: describeWrongState(snapshot, event.type, state) };
  }

  return { kind: 'guard', message: describeFailedGuard(snapshot, event, state) };
}

function describeWrongState(snapshot: ApplicationSnapshot, type: ApplicationEvent['type'], state: string): string {
  if (snapshot.status === 'done') {
    return `Event '${type}' is not allowed because the application is ${state}, which is final.`;
  }
  const accepted = APPLICATION_EVENT_TYPES.filter((candidate) => snapshot.can(buildPermissiveEvent(candidate)));
  return `Event '${type}' is not allowed while the application is in state ${state}; this state accepts: ${accepted.join(', ')}.`;
}

function describeFailedGuard(snapshot: ApplicationSnapshot, event: ApplicationEvent, state: string): string {
  const { libraryId } = snapshot.context;

  switch (event.type) {
    case 'review.request':
      return describeCoverage(event.coverage);

    case 'mentor.assign':
      if (event.mentor.id !== event.mentorId) {
        return `The mentor facts describe mentor ${event.mentor.id}, but the request assigns mentor ${event.mentorId}; look the mentor up again.`;
      }
      if (worksForLibrary(event.mentor, libraryId)) {
        return `Mentor ${event.mentorId} works for the applying library; assign a mentor from another member library.`;
      }
      if (declaredConflict(event.mentor, libraryId)) {
        return `Mentor ${event.mentorId} declared a conflict of interest with the applying library; choose another mentor.`;
      }
      break;

    case 'mentor.release':
      if (!hasText(event.reason)) {
        return 'Releasing a mentor needs a reason.';
      }
      break;

    case 'review.requestChanges':
      if (!hasText(event.comment)) {
        return 'Requesting changes needs a comment that tells the library what to change.';
      }
      if (!hasChangesToRequest(event.review)) {
        const withoutComment = event.review?.needsWorkWithoutComment ?? [];
        return withoutComment.length > 0
          ? `Requesting changes needs at least one element marked needs_work with a comment; these are marked needs_work without one: ${listCodes(withoutComment)}. Add a comment to each.`
          : 'Requesting changes needs at least one element marked needs_work with a comment. Mark the elements to change first.';
      }
      break;

    case 'review.approve':
      if (!isReviewComplete(event.review)) {
        const review = event.review!;
        const faults = [
          review.needsWork.length + review.needsWorkWithoutComment.length > 0 ? `marked needs_work: ${listCodes([...review.needsWork, ...review.needsWorkWithoutComment])}` : null,
          review.notReviewed.length > 0 ? `not reviewed: ${listCodes(review.notReviewed)}` : null,
        ].filter(Boolean);
        return `Approving needs every element reviewed and none marked needs_work; ${faults.join('; ')}. Review these elements, or request changes.`;
      }
      break;

    case 'outcome.record':
      return describeUnratedElements(event.ratings, event.elementCodes);
  }

  // Reached only if a guard was added to the machine without a message here.
  return `The application machine rejected event '${event.type}' in state ${state}.`;
}

function listCodes(codes: readonly string[]): string {
  const sorted = [...codes].sort(compareElementCodes);
  const more = sorted.length > MAX_LISTED_ELEMENTS ? ` (…and ${sorted.length - MAX_LISTED_ELEMENTS} more)` : '';
  return sorted.slice(0, MAX_LISTED_ELEMENTS).join(', ') + more;
}

function describeCoverage(coverage: CoverageFacts): string {
  if (coverage.elements <= 0) {
    return 'Peer review needs evidence and a self-rating for every element, but the application has no elements; load the framework elements, then request review again.';
  }
  const { elements, withEvidence, rated } = coverage;
  return (
    `Peer review needs evidence and a self-rating for every element: ${withEvidence} of ${elements} elements have evidence, ${rated} of ${elements} are rated. ` +
    'Add the missing evidence and ratings, then request review again.'
  );
}

function describeUnratedElements(ratings: Record<string, string>, elementCodes: readonly string[]): string {
  if (elementCodes.length === 0) {
    return "The assessor's outcome needs the list of element codes to check the ratings against, but the list is empty.";
  }
  const missing = findUnratedElements(ratings, elementCodes).sort(compareElementCodes);
  const listed = missing.slice(0, MAX_LISTED_ELEMENTS).join(', ');
  const more = missing.length > MAX_LISTED_ELEMENTS ? ` (…and ${missing.length - MAX_LISTED_ELEMENTS} more)` : '';
  return `The assessor's outcome needs a rating for every element; missing: ${listed}${more}.`;
}
