import { initialTransition, transition } from 'xstate';
import { applicationMachine } from '../../machines/application.machine.ts';
import type { ApplicationEvent, ApplicationSnapshot, CoverageFacts } from '../../machines/application.machine.ts';
import type { CertificationRule } from '../../machines/certification-rule.ts';

export const LIBRARY_ID = 'library-leeds';

// The CSE framework has 57 elements, coded criterion.subcriterion.element; these codes have that shape.
export const ELEMENT_CODES: string[] = Array.from({ length: 57 }, (_, index) => {
  const criterion = Math.floor(index / 12) + 1;
  const subcriterion = Math.floor((index % 12) / 3) + 1;
  const element = (index % 3) + 1;
  return `${criterion}.${subcriterion}.${element}`;
});

export const CSE_RULE: CertificationRule = { blocking: ['non_compliance'], maxCount: { partial_compliance: 11 } };

export const COMPLETE_COVERAGE: CoverageFacts = { elements: 57, withEvidence: 57, rated: 57 };
export const INCOMPLETE_COVERAGE: CoverageFacts = { elements: 57, withEvidence: 40, rated: 12 };

export const STATE_NAMES = [
  'draft',
  'gatheringEvidence',
  'peerReview.awaitingMentor',
  'peerReview.inReview',
  'readyToSubmit',
  'submitted',
  'accredited',
  'notAccredited',
  'withdrawn',
] as const;
export type StateName = (typeof STATE_NAMES)[number];

export function assignMentor(
  mentorId: string,
  facts: { libraryId?: string | null; conflictLibraryIds?: string[]; factsId?: string } = {},
): ApplicationEvent {
  return {
    type: 'mentor.assign',
    mentorId,
    mentor: {
      id: facts.factsId ?? mentorId,
      libraryId: facts.libraryId === undefined ? 'library-york' : facts.libraryId,
      conflictLibraryIds: facts.conflictLibraryIds ?? [],
    },
  };
}

/** Rates every element compliance, except the counts given for other ratings. */
export function buildRatings(counts: { partial?: number; non?: number } = {}): Record<string, string> {
  const partial = counts.partial ?? 0;
  const non = counts.non ?? 0;
  const ratings: Record<string, string> = {};
  ELEMENT_CODES.forEach((code, index) => {
    if (index < non) {
      ratings[code] = 'non_compliance';
    } else if (index < non + partial) {
      ratings[code] = 'partial_compliance';
    } else {
      ratings[code] = 'compliance';
    }
  });
  return ratings;
}

export type OutcomeEvent = Extract<ApplicationEvent, { type: 'outcome.record' }>;

export function recordOutcome(ratings: Record<string, string>): OutcomeEvent {
  return {
    type: 'outcome.record',
    ratings,
    reportDate: '2025-03-14',
    certificationBody: 'Customer Service Excellence Ltd',
    elementCodes: ELEMENT_CODES,
    rule: CSE_RULE,
  };
}

export function withoutRating(ratings: Record<string, string>, ...codes: string[]): Record<string, string> {
  const copy = { ...ratings };
  for (const code of codes) {
    delete copy[code];
  }
  return copy;
}

/** One event of each type whose payload passes every guard. */
export const PASSING_EVENTS: Record<ApplicationEvent['type'], ApplicationEvent> = {
  start: { type: 'start' },
  'review.request': { type: 'review.request', coverage: COMPLETE_COVERAGE },
  'mentor.assign': assignMentor('mentor-ayesha'),
  'mentor.release': { type: 'mentor.release', reason: 'Mentor is on long-term leave' },
  'review.requestChanges': { type: 'review.requestChanges', comment: 'Add the 2024 customer survey results to 1.2.1.' },
  'review.approve': { type: 'review.approve' },
  submit: { type: 'submit' },
  'outcome.record': recordOutcome(buildRatings()),
  reopen: { type: 'reopen' },
  withdraw: { type: 'withdraw', reason: 'Library service restructure' },
};

const TO_IN_REVIEW: ApplicationEvent[] = [PASSING_EVENTS.start, PASSING_EVENTS['review.request'], PASSING_EVENTS['mentor.assign']];
const TO_SUBMITTED: ApplicationEvent[] = [...TO_IN_REVIEW, PASSING_EVENTS['review.approve'], PASSING_EVENTS.submit];

/** Events that take a new application to each state. */
export const STATE_ROUTES: Record<StateName, ApplicationEvent[]> = {
  draft: [],
  gatheringEvidence: [PASSING_EVENTS.start],
  'peerReview.awaitingMentor': [PASSING_EVENTS.start, PASSING_EVENTS['review.request']],
  'peerReview.inReview': TO_IN_REVIEW,
  readyToSubmit: [...TO_IN_REVIEW, PASSING_EVENTS['review.approve']],
  submitted: TO_SUBMITTED,
  accredited: [...TO_SUBMITTED, recordOutcome(buildRatings())],
  notAccredited: [...TO_SUBMITTED, recordOutcome(buildRatings({ non: 1 }))],
  withdrawn: [PASSING_EVENTS.withdraw],
};

/** Applies events with xstate's pure transition function, as a replay of stored history would. */
export function snapshotAfter(events: readonly ApplicationEvent[]): ApplicationSnapshot {
  let [snapshot] = initialTransition(applicationMachine, { libraryId: LIBRARY_ID });
  for (const event of events) {
    [snapshot] = transition(applicationMachine, snapshot, event);
  }
  return snapshot;
}

export function stateNameOf(snapshot: ApplicationSnapshot): string {
  const value: unknown = snapshot.value;
  if (typeof value === 'string') {
    return value;
  }
  return Object.entries(value as Record<string, string>)
    .map(([parent, child]) => `${parent}.${child}`)
    .join(',');
}
