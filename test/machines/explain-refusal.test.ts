import { describe, it, expect } from 'vitest';
import { APPLICATION_EVENT_TYPES } from '../../machines/application.machine.ts';
import type { ApplicationEvent } from '../../machines/application.machine.ts';
import {
  allowedEventTypes,
  buildPermissiveEvent,
  explainRefusal,
  formatStateValue,
} from '../../machines/explain-refusal.ts';
import {
  COMPLETE_COVERAGE,
  ELEMENT_CODES,
  INCOMPLETE_COVERAGE,
  LIBRARY_ID,
  PASSING_EVENTS,
  STATE_ROUTES,
  assignMentor,
  buildRatings,
  recordOutcome,
  snapshotAfter,
  withoutRating,
} from './application-fixtures.ts';

describe('explainRefusal in the wrong state', () => {
  it('names the state and accepted events', () => {
    const gathering = snapshotAfter(STATE_ROUTES.gatheringEvidence);
    expect(explainRefusal(gathering, PASSING_EVENTS.submit)).toEqual({
      kind: 'not_allowed_in_state',
      message: "Event 'submit' is not allowed while the application is in state gatheringEvidence; this state accepts: review.request, withdraw.",
    });
  });

  it('formats a nested state', () => {
    const awaiting = snapshotAfter(STATE_ROUTES['peerReview.awaitingMentor']);
    const explanation = explainRefusal(awaiting, PASSING_EVENTS['review.approve']);
    expect(explanation.kind).toBe('not_allowed_in_state');
    expect(explanation.message).toBe(
      "Event 'review.approve' is not allowed while the application is in state peerReview.awaitingMentor; this state accepts: mentor.assign, withdraw.",
    );
  });

  it('explains a final state', () => {
    const withdrawn = snapshotAfter(STATE_ROUTES.withdrawn);
    expect(explainRefusal(withdrawn, PASSING_EVENTS.reopen)).toEqual({
      kind: 'not_allowed_in_state',
      message: "Event 'reopen' is not allowed because the application is withdrawn, which is final.",
    });
  });

  it('prefers state over payload', () => {
    const draft = snapshotAfter(STATE_ROUTES.draft);
    const explanation = explainRefusal(draft, { type: 'review.request', coverage: INCOMPLETE_COVERAGE });
    expect(explanation.kind).toBe('not_allowed_in_state');
  });

  it('rejects an allowed event', () => {
    const draft = snapshotAfter(STATE_ROUTES.draft);
    expect(() => explainRefusal(draft, PASSING_EVENTS.start)).toThrow("event 'start', which state draft accepts");
  });
});

describe('explainRefusal for guards', () => {
  const gathering = snapshotAfter(STATE_ROUTES.gatheringEvidence);
  const awaiting = snapshotAfter(STATE_ROUTES['peerReview.awaitingMentor']);
  const inReview = snapshotAfter(STATE_ROUTES['peerReview.inReview']);
  const submitted = snapshotAfter(STATE_ROUTES.submitted);

  it('gives coverage counts', () => {
    expect(explainRefusal(gathering, { type: 'review.request', coverage: INCOMPLETE_COVERAGE })).toEqual({
      kind: 'guard',
      message:
        'Peer review needs evidence and a self-rating for every element: 40 of 57 elements have evidence, 12 of 57 are rated. ' +
        'Add the missing evidence and ratings, then request review again.',
    });
  });

  it('explains zero elements', () => {
    const explanation = explainRefusal(gathering, { type: 'review.request', coverage: { elements: 0, withEvidence: 0, rated: 0 } });
    expect(explanation.kind).toBe('guard');
    expect(explanation.message).toContain('the application has no elements');
  });

  it('explains same-library mentor', () => {
    expect(explainRefusal(awaiting, assignMentor('mentor-leeds', { libraryId: LIBRARY_ID }))).toEqual({
      kind: 'guard',
      message: 'Mentor mentor-leeds works for the applying library; assign a mentor from another member library.',
    });
  });

  it('explains declared conflict', () => {
    expect(explainRefusal(inReview, assignMentor('mentor-hull', { conflictLibraryIds: [LIBRARY_ID] }))).toEqual({
      kind: 'guard',
      message: 'Mentor mentor-hull declared a conflict of interest with the applying library; choose another mentor.',
    });
  });

  it('explains mismatched mentor facts', () => {
    const explanation = explainRefusal(awaiting, assignMentor('mentor-ayesha', { factsId: 'mentor-bryn' }));
    expect(explanation).toEqual({
      kind: 'guard',
      message: 'The mentor facts describe mentor mentor-bryn, but the request assigns mentor mentor-ayesha; look the mentor up again.',
    });
  });

  it('explains blank comment', () => {
    expect(explainRefusal(inReview, { type: 'review.requestChanges', comment: '   ' })).toEqual({
      kind: 'guard',
      message: 'Requesting changes needs a comment that tells the library what to change.',
    });
  });

  it('explains blank release reason', () => {
    expect(explainRefusal(inReview, { type: 'mentor.release', reason: '' })).toEqual({
      kind: 'guard',
      message: 'Releasing a mentor needs a reason.',
    });
  });

  it('lists missing ratings', () => {
    const ratings = withoutRating(buildRatings(), '3.2.1', '1.1.2');
    expect(explainRefusal(submitted, recordOutcome(ratings))).toEqual({
      kind: 'guard',
      message: "The assessor's outcome needs a rating for every element; missing: 1.1.2, 3.2.1.",
    });
  });

  it('counts missing ratings past ten', () => {
    const explanation = explainRefusal(submitted, recordOutcome({}));
    const firstTen = ELEMENT_CODES.slice(0, 10).join(', ');
    expect(explanation.message).toBe(`The assessor's outcome needs a rating for every element; missing: ${firstTen} (…and 47 more).`);
  });

  it('explains empty element list', () => {
    const explanation = explainRefusal(submitted, { ...recordOutcome(buildRatings()), elementCodes: [] });
    expect(explanation.kind).toBe('guard');
    expect(explanation.message).toContain('the list is empty');
  });
});

describe('allowedEventTypes', () => {
  const expected: Record<keyof typeof STATE_ROUTES, ApplicationEvent['type'][]> = {
    draft: ['start', 'withdraw'],
    gatheringEvidence: ['review.request', 'withdraw'],
    'peerReview.awaitingMentor': ['mentor.assign', 'withdraw'],
    'peerReview.inReview': ['mentor.assign', 'mentor.release', 'review.requestChanges', 'review.approve', 'withdraw'],
    readyToSubmit: ['submit', 'withdraw'],
    submitted: ['outcome.record'],
    accredited: [],
    notAccredited: ['reopen', 'withdraw'],
    withdrawn: [],
  };

  it.each(Object.entries(expected))('lists events for %s', (state, types) => {
    const snapshot = snapshotAfter(STATE_ROUTES[state as keyof typeof STATE_ROUTES]);
    expect(allowedEventTypes(snapshot, { coverage: COMPLETE_COVERAGE })).toEqual(types);
  });

  it('omits review without coverage', () => {
    const gathering = snapshotAfter(STATE_ROUTES.gatheringEvidence);
    expect(allowedEventTypes(gathering, { coverage: INCOMPLETE_COVERAGE })).toEqual(['withdraw']);
  });
});

describe('buildPermissiveEvent', () => {
  const acceptingState: Record<ApplicationEvent['type'], keyof typeof STATE_ROUTES> = {
    start: 'draft',
    'review.request': 'gatheringEvidence',
    'mentor.assign': 'peerReview.awaitingMentor',
    'mentor.release': 'peerReview.inReview',
    'review.requestChanges': 'peerReview.inReview',
    'review.approve': 'peerReview.inReview',
    submit: 'readyToSubmit',
    'outcome.record': 'submitted',
    reopen: 'notAccredited',
    withdraw: 'draft',
  };

  it.each(APPLICATION_EVENT_TYPES)('passes the guards of %s', (type) => {
    const event = buildPermissiveEvent(type);
    expect(event.type).toBe(type);
    expect(snapshotAfter(STATE_ROUTES[acceptingState[type]]).can(event)).toBe(true);
  });
});

describe('formatStateValue', () => {
  it('formats strings and objects', () => {
    expect(formatStateValue('draft')).toBe('draft');
    expect(formatStateValue({ peerReview: 'inReview' })).toBe('peerReview.inReview');
    expect(formatStateValue({ a: { b: 'c' } })).toBe('a.b.c');
  });
});
