import { and, assertEvent, assign, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { decideCertification, findUnratedElements } from './certification-rule.ts';
import type { CertificationRule } from './certification-rule.ts';

// Bump when a state is renamed, moved or removed, and add a migration from the
// previous version to machines/snapshot-version.ts, because stored snapshots
// name states by path.
export const APPLICATION_MACHINE_VERSION = 1;

/** Counts of the application's framework elements, taken by the service when review is requested. */
export type CoverageFacts = { elements: number; withEvidence: number; rated: number };

/**
 * The mentor's verdicts in the open review round, as the service read them:
 * elements marked needs_work with a comment, needs_work without one, and
 * elements not yet reviewed (no verdict, or `not_reviewed`).
 */
export type ReviewFacts = { needsWork: string[]; needsWorkWithoutComment: string[]; notReviewed: string[] };

/** The mentor being assigned, as the service found them in the database. */
// `load` and `capacity` are kept for the history only: capacity is advice, so no guard reads them.
export type MentorFacts = { id: string; libraryId: string | null; conflictLibraryIds: string[]; load?: number; capacity?: number };

export type ApplicationContext = {
  libraryId: string;
  mentorId: string | null;
  outcome: { certified: boolean; reportDate: string; certificationBody: string } | null;
};

export type ApplicationMachineInput = { libraryId: string };

// Facts such as `coverage`, `mentor`, `elementCodes` and `rule` travel inside
// the events because the machine does no I/O. The stored event history keeps
// them, so replaying the history reproduces the same snapshot.
export type ApplicationEvent =
  | { type: 'start' }
  | { type: 'review.request'; coverage: CoverageFacts }
  | { type: 'mentor.assign'; mentorId: string; reason?: string; mentor: MentorFacts }
  | { type: 'mentor.release'; reason: string }
  | { type: 'review.requestChanges'; comment: string; review?: ReviewFacts }
  | { type: 'review.approve'; review?: ReviewFacts }
  | { type: 'submit' }
  | {
      type: 'outcome.record';
      ratings: Record<string, string>;
      reportDate: string;
      certificationBody: string;
      elementCodes: string[];
      rule: CertificationRule;
    }
  | { type: 'reopen' }
  | { type: 'withdraw'; reason?: string };

export const APPLICATION_EVENT_TYPES: readonly ApplicationEvent['type'][] = [
  'start',
  'review.request',
  'mentor.assign',
  'mentor.release',
  'review.requestChanges',
  'review.approve',
  'submit',
  'outcome.record',
  'reopen',
  'withdraw',
];

export function hasText(value: string | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

export function isCoverageComplete(coverage: CoverageFacts): boolean {
  return coverage.elements > 0 && coverage.withEvidence === coverage.elements && coverage.rated === coverage.elements;
}

// Events recorded before review verdicts existed carry no `review` facts; they pass, so old histories still replay.
export function hasChangesToRequest(review: ReviewFacts | undefined): boolean {
  return review === undefined || review.needsWork.length > 0;
}

export function isReviewComplete(review: ReviewFacts | undefined): boolean {
  return review === undefined || (review.notReviewed.length === 0 && review.needsWork.length === 0 && review.needsWorkWithoutComment.length === 0);
}

export function worksForLibrary(mentor: MentorFacts, libraryId: string): boolean {
  return mentor.libraryId === libraryId;
}

export function declaredConflict(mentor: MentorFacts, libraryId: string): boolean {
  return mentor.conflictLibraryIds.includes(libraryId);
}

/**
 * Reports whether the outcome rates every element. An empty element list counts
 * as unrated, because otherwise an outcome with no ratings at all could certify.
 */
export function ratesEveryElement(ratings: Record<string, string>, elementCodes: readonly string[]): boolean {
  return elementCodes.length > 0 && findUnratedElements(ratings, elementCodes).length === 0;
}

// Withdrawal is allowed before submission and after a failed assessment. Once
// the application is submitted, only the assessor's outcome can end it.
const withdrawTransition = { target: '#application.withdrawn' } as const;

export const applicationMachine = setup({
  types: {} as {
    context: ApplicationContext;
    events: ApplicationEvent;
    input: ApplicationMachineInput;
  },
  guards: {
    evidenceComplete: ({ event }) => {
      assertEvent(event, 'review.request');
      return isCoverageComplete(event.coverage);
    },
    // Set when changes were requested, so the same mentor picks the review up again.
    hasMentor: ({ context }) => context.mentorId !== null,
    // The service looks the mentor up by `mentorId`, so facts with another id describe someone else.
    mentorFactsMatch: ({ event }) => {
      assertEvent(event, 'mentor.assign');
      return event.mentor.id === event.mentorId;
    },
    mentorIndependent: ({ context, event }) => {
      assertEvent(event, 'mentor.assign');
      return !worksForLibrary(event.mentor, context.libraryId) && !declaredConflict(event.mentor, context.libraryId);
    },
    hasReleaseReason: ({ event }) => {
      assertEvent(event, 'mentor.release');
      return hasText(event.reason);
    },
    hasComment: ({ event }) => {
      assertEvent(event, 'review.requestChanges');
      return hasText(event.comment);
    },
    hasChangesToRequest: ({ event }) => {
      assertEvent(event, 'review.requestChanges');
      return hasChangesToRequest(event.review);
    },
    reviewComplete: ({ event }) => {
      assertEvent(event, 'review.approve');
      return isReviewComplete(event.review);
    },
    allElementsRated: ({ event }) => {
      assertEvent(event, 'outcome.record');
      return ratesEveryElement(event.ratings, event.elementCodes);
    },
    certificationRuleMet: ({ event }) => {
      assertEvent(event, 'outcome.record');
      return decideCertification(event.ratings, event.rule).certified;
    },
  },
  actions: {
    assignMentor: assign({
      mentorId: ({ event }) => {
        assertEvent(event, 'mentor.assign');
        return event.mentorId;
      },
    }),
    releaseMentor: assign({ mentorId: null }),
    // The guards have already judged the rule, so the transition passes the verdict in.
    recordOutcome: assign({
      outcome: ({ event }, params: { certified: boolean }) => {
        assertEvent(event, 'outcome.record');
        return {
          certified: params.certified,
          reportDate: event.reportDate,
          certificationBody: event.certificationBody,
        };
      },
    }),
    clearOutcome: assign({ outcome: null }),
  },
}).createMachine({
  id: 'application',
  context: ({ input }) => ({ libraryId: input.libraryId, mentorId: null, outcome: null }),
  initial: 'draft',
  states: {
    draft: {
      on: {
        start: { target: 'gatheringEvidence' },
        withdraw: withdrawTransition,
      },
    },
    gatheringEvidence: {
      on: {
        'review.request': [
          { guard: and(['evidenceComplete', 'hasMentor']), target: 'peerReview.inReview' },
          { guard: 'evidenceComplete', target: 'peerReview.awaitingMentor' },
        ],
        withdraw: withdrawTransition,
      },
    },
    peerReview: {
      initial: 'awaitingMentor',
      // Declared on the parent so a mentor can be assigned while waiting, or replaced mid-review.
      on: {
        'mentor.assign': {
          guard: and(['mentorFactsMatch', 'mentorIndependent']),
          target: '.inReview',
          actions: 'assignMentor',
        },
        withdraw: withdrawTransition,
      },
      states: {
        awaitingMentor: {},
        inReview: {
          on: {
            'mentor.release': { guard: 'hasReleaseReason', target: 'awaitingMentor', actions: 'releaseMentor' },
            'review.requestChanges': { guard: and(['hasComment', 'hasChangesToRequest']), target: '#application.gatheringEvidence' },
            'review.approve': { guard: 'reviewComplete', target: '#application.readyToSubmit' },
          },
        },
      },
    },
    readyToSubmit: {
      on: {
        submit: { target: 'submitted' },
        withdraw: withdrawTransition,
      },
    },
    submitted: {
      // An outcome with an unrated element matches neither branch, so the event is rejected.
      on: {
        'outcome.record': [
          {
            guard: and(['allElementsRated', 'certificationRuleMet']),
            target: 'accredited',
            actions: { type: 'recordOutcome', params: { certified: true } },
          },
          {
            guard: 'allElementsRated',
            target: 'notAccredited',
            actions: { type: 'recordOutcome', params: { certified: false } },
          },
        ],
      },
    },
    accredited: { type: 'final' },
    notAccredited: {
      on: {
        reopen: { target: 'gatheringEvidence', actions: 'clearOutcome' },
        withdraw: withdrawTransition,
      },
    },
    withdrawn: { type: 'final' },
  },
});

export type ApplicationSnapshot = SnapshotFrom<typeof applicationMachine>;
