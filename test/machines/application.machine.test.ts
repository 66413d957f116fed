import { describe, it, expect } from 'vitest';
import { createActor, transition } from 'xstate';
import { getShortestPaths, getStateNodes } from 'xstate/graph';
import { APPLICATION_EVENT_TYPES, applicationMachine } from '../../machines/application.machine.ts';
import type { ApplicationEvent, ApplicationSnapshot } from '../../machines/application.machine.ts';
import {
  COMPLETE_COVERAGE,
  INCOMPLETE_COVERAGE,
  LIBRARY_ID,
  PASSING_EVENTS,
  STATE_NAMES,
  STATE_ROUTES,
  assignMentor,
  buildRatings,
  recordOutcome,
  snapshotAfter,
  stateNameOf,
  withoutRating,
} from './application-fixtures.ts';
import type { StateName } from './application-fixtures.ts';

// The transition table of the application workflow: state -> event type -> target.
const TRANSITIONS: Record<StateName, Partial<Record<ApplicationEvent['type'], StateName>>> = {
  draft: { start: 'gatheringEvidence', withdraw: 'withdrawn' },
  gatheringEvidence: { 'review.request': 'peerReview.awaitingMentor', withdraw: 'withdrawn' },
  'peerReview.awaitingMentor': { 'mentor.assign': 'peerReview.inReview', withdraw: 'withdrawn' },
  'peerReview.inReview': {
    'mentor.assign': 'peerReview.inReview',
    'mentor.release': 'peerReview.awaitingMentor',
    'review.requestChanges': 'gatheringEvidence',
    'review.approve': 'readyToSubmit',
    withdraw: 'withdrawn',
  },
  readyToSubmit: { submit: 'submitted', withdraw: 'withdrawn' },
  submitted: { 'outcome.record': 'accredited' },
  accredited: {},
  notAccredited: { reopen: 'gatheringEvidence', withdraw: 'withdrawn' },
  withdrawn: {},
};

// Every edge of the table, plus the targets that depend on context or payload.
const EXPECTED_EDGES = new Set([
  ...Object.entries(TRANSITIONS).flatMap(([from, targets]) =>
    Object.entries(targets).map(([type, to]) => `${from} --${type}--> ${to}`),
  ),
  'gatheringEvidence --review.request--> peerReview.inReview',
  'submitted --outcome.record--> notAccredited',
]);

// Sample events the machine accepts in some state.
const PASSING_GRAPH_EVENTS: ApplicationEvent[] = [
  PASSING_EVENTS.start,
  PASSING_EVENTS['review.request'],
  PASSING_EVENTS['mentor.assign'],
  assignMentor('mentor-bryn', { libraryId: null }),
  PASSING_EVENTS['mentor.release'],
  PASSING_EVENTS['review.requestChanges'],
  PASSING_EVENTS['review.approve'],
  PASSING_EVENTS.submit,
  recordOutcome(buildRatings({ partial: 11 })),
  recordOutcome(buildRatings({ partial: 12 })),
  PASSING_EVENTS.reopen,
  PASSING_EVENTS.withdraw,
  { type: 'withdraw' },
];

// Sample events whose payload fails a guard, so the machine rejects them in every state.
const FAILING_GRAPH_EVENTS: ApplicationEvent[] = [
  { type: 'review.request', coverage: INCOMPLETE_COVERAGE },
  { type: 'review.request', coverage: { elements: 0, withEvidence: 0, rated: 0 } },
  assignMentor('mentor-same', { libraryId: LIBRARY_ID }),
  assignMentor('mentor-conflict', { conflictLibraryIds: [LIBRARY_ID] }),
  assignMentor('mentor-mismatch', { factsId: 'mentor-other' }),
  { type: 'mentor.release', reason: '   ' },
  { type: 'review.requestChanges', comment: ' \n ' },
  recordOutcome(withoutRating(buildRatings(), '3.2.1')),
];

function buildGraphPaths() {
  return getShortestPaths(applicationMachine, {
    events: [...PASSING_GRAPH_EVENTS, ...FAILING_GRAPH_EVENTS],
    input: { libraryId: LIBRARY_ID },
    filterEvents: (snapshot, event) => snapshot.can(event),
    // Keying each snapshot by the step that reached it gives every accepted
    // (state, event) pair a vertex of its own, so each one ends some shortest
    // path, including steps that close a cycle (release, requested changes).
    serializeState: (snapshot, event, previous) =>
      JSON.stringify({
        value: snapshot.value,
        context: snapshot.context,
        from: previous?.value ?? null,
        via: event ?? null,
      }),
  });
}

describe('application machine graph', () => {
  const paths = buildGraphPaths();
  const steps = paths.flatMap((path) =>
    path.steps.slice(1).map((step, index) => ({ from: path.steps[index].state, event: step.event, to: step.state })),
  );

  it('reaches every state', () => {
    const leafStates = getStateNodes(applicationMachine.root)
      .filter((node) => node.type === 'atomic' || node.type === 'final')
      .map((node) => node.path.join('.'));
    const reached = new Set(paths.map((path) => stateNameOf(path.state)));

    expect([...leafStates].sort()).toEqual([...STATE_NAMES].sort());
    expect([...reached].sort()).toEqual([...STATE_NAMES].sort());
  });

  it('takes every table transition and no other', () => {
    const takenEdges = new Set(steps.map(({ from, event, to }) => `${stateNameOf(from)} --${event.type}--> ${stateNameOf(to)}`));

    expect([...takenEdges].sort()).toEqual([...EXPECTED_EDGES].sort());
  });

  it('takes passing sample events only', () => {
    const used = new Set(steps.map((step) => step.event));

    for (const event of PASSING_GRAPH_EVENTS) {
      expect(used.has(event), JSON.stringify(event)).toBe(true);
    }
    for (const event of FAILING_GRAPH_EVENTS) {
      expect(used.has(event), JSON.stringify(event)).toBe(false);
    }
  });
});

describe('application machine transition table', () => {
  const cases = STATE_NAMES.flatMap((state) => APPLICATION_EVENT_TYPES.map((type) => ({ state, type })));

  it('lists all ten event types', () => {
    expect(APPLICATION_EVENT_TYPES).toHaveLength(10);
    expect(new Set(APPLICATION_EVENT_TYPES)).toEqual(new Set(Object.keys(PASSING_EVENTS)));
  });

  it.each(cases)('$state on $type', ({ state, type }) => {
    const snapshot = snapshotAfter(STATE_ROUTES[state]);
    const expectedTarget = TRANSITIONS[state][type];

    expect(stateNameOf(snapshot)).toBe(state);
    expect(snapshot.can(PASSING_EVENTS[type])).toBe(expectedTarget !== undefined);
    if (expectedTarget !== undefined) {
      const [next] = transition(applicationMachine, snapshot, PASSING_EVENTS[type]);
      expect(stateNameOf(next)).toBe(expectedTarget);
    }
  });
});

describe('application machine guards', () => {
  const gathering = snapshotAfter(STATE_ROUTES.gatheringEvidence);
  const awaiting = snapshotAfter(STATE_ROUTES['peerReview.awaitingMentor']);
  const inReview = snapshotAfter(STATE_ROUTES['peerReview.inReview']);
  const submitted = snapshotAfter(STATE_ROUTES.submitted);

  it('rejects review with incomplete coverage', () => {
    expect(gathering.can({ type: 'review.request', coverage: INCOMPLETE_COVERAGE })).toBe(false);
    expect(gathering.can({ type: 'review.request', coverage: { elements: 57, withEvidence: 57, rated: 56 } })).toBe(false);
    expect(gathering.can({ type: 'review.request', coverage: { elements: 0, withEvidence: 0, rated: 0 } })).toBe(false);
    expect(gathering.can({ type: 'review.request', coverage: COMPLETE_COVERAGE })).toBe(true);
  });

  it('rejects mentor from the same library', () => {
    expect(awaiting.can(assignMentor('mentor-same', { libraryId: LIBRARY_ID }))).toBe(false);
    expect(inReview.can(assignMentor('mentor-same', { libraryId: LIBRARY_ID }))).toBe(false);
  });

  it('rejects mentor with a declared conflict', () => {
    const conflicted = assignMentor('mentor-conflict', { conflictLibraryIds: ['library-hull', LIBRARY_ID] });
    expect(awaiting.can(conflicted)).toBe(false);
    expect(awaiting.can(assignMentor('mentor-hull', { conflictLibraryIds: ['library-hull'] }))).toBe(true);
  });

  it('rejects mentor facts for another mentor', () => {
    expect(awaiting.can(assignMentor('mentor-ayesha', { factsId: 'mentor-bryn' }))).toBe(false);
  });

  it('accepts mentor with no library', () => {
    const [next] = transition(applicationMachine, awaiting, assignMentor('mentor-freelance', { libraryId: null }));
    expect(stateNameOf(next)).toBe('peerReview.inReview');
    expect(next.context.mentorId).toBe('mentor-freelance');
  });

  it('rejects blank comment and reason', () => {
    expect(inReview.can({ type: 'review.requestChanges', comment: '' })).toBe(false);
    expect(inReview.can({ type: 'review.requestChanges', comment: '  \t' })).toBe(false);
    expect(inReview.can({ type: 'mentor.release', reason: ' ' })).toBe(false);
  });

  it('rejects outcome with a missing rating', () => {
    const missing = recordOutcome(withoutRating(buildRatings(), '1.1.2'));
    const blank = recordOutcome({ ...buildRatings(), '2.3.1': ' ' });
    const noCodes = { ...recordOutcome({}), elementCodes: [] };

    expect(submitted.can(missing)).toBe(false);
    expect(submitted.can(blank)).toBe(false);
    expect(submitted.can(noCodes)).toBe(false);
    expect(transition(applicationMachine, submitted, missing)[0].value).toBe('submitted');
  });

  it('decides outcome by the rule', () => {
    const cases: Array<[Record<string, string>, StateName, boolean]> = [
      [buildRatings(), 'accredited', true],
      [buildRatings({ partial: 11 }), 'accredited', true],
      [buildRatings({ partial: 12 }), 'notAccredited', false],
      [buildRatings({ non: 1 }), 'notAccredited', false],
    ];
    for (const [ratings, expectedState, certified] of cases) {
      const [next] = transition(applicationMachine, submitted, recordOutcome(ratings));
      expect(stateNameOf(next)).toBe(expectedState);
      expect(next.context.outcome).toEqual({
        certified,
        reportDate: '2025-03-14',
        certificationBody: 'Customer Service Excellence Ltd',
      });
    }
  });

  it('keeps mentor after requested changes', () => {
    const changed = snapshotAfter([...STATE_ROUTES['peerReview.inReview'], PASSING_EVENTS['review.requestChanges']]);
    expect(stateNameOf(changed)).toBe('gatheringEvidence');
    expect(changed.context.mentorId).toBe('mentor-ayesha');

    const [again] = transition(applicationMachine, changed, PASSING_EVENTS['review.request']);
    expect(stateNameOf(again)).toBe('peerReview.inReview');
    expect(again.context.mentorId).toBe('mentor-ayesha');
  });

  it('returns to awaiting mentor after release', () => {
    const released = snapshotAfter([...STATE_ROUTES['peerReview.inReview'], PASSING_EVENTS['mentor.release']]);
    expect(stateNameOf(released)).toBe('peerReview.awaitingMentor');
    expect(released.context.mentorId).toBeNull();

    const [reassigned] = transition(applicationMachine, released, assignMentor('mentor-bryn'));
    expect(stateNameOf(reassigned)).toBe('peerReview.inReview');
    expect(reassigned.context.mentorId).toBe('mentor-bryn');

    const [approved] = transition(applicationMachine, reassigned, PASSING_EVENTS['review.approve']);
    expect(stateNameOf(approved)).toBe('readyToSubmit');
  });

  it('clears outcome on reopen', () => {
    const reopened = snapshotAfter([...STATE_ROUTES.notAccredited, PASSING_EVENTS.reopen]);
    expect(stateNameOf(reopened)).toBe('gatheringEvidence');
    expect(reopened.context.outcome).toBeNull();
  });
});

describe('application machine replay', () => {
  const history: ApplicationEvent[] = [
    PASSING_EVENTS.start,
    { type: 'review.request', coverage: INCOMPLETE_COVERAGE },
    PASSING_EVENTS['review.request'],
    assignMentor('mentor-same', { libraryId: LIBRARY_ID }),
    PASSING_EVENTS['mentor.assign'],
    PASSING_EVENTS['review.requestChanges'],
    PASSING_EVENTS['review.request'],
    PASSING_EVENTS['mentor.release'],
    assignMentor('mentor-bryn'),
    PASSING_EVENTS['review.approve'],
    PASSING_EVENTS.submit,
    recordOutcome(buildRatings({ partial: 12 })),
  ];

  function runActor(events: readonly ApplicationEvent[]) {
    const actor = createActor(applicationMachine, { input: { libraryId: LIBRARY_ID } }).start();
    for (const event of events) {
      actor.send(event);
    }
    return actor;
  }

  it('reproduces the persisted snapshot', () => {
    const original = runActor(history).getPersistedSnapshot();
    // The service replays events as stored, so round-trip them through JSON first.
    const storedHistory = JSON.parse(JSON.stringify(history)) as ApplicationEvent[];
    const replayed = runActor(storedHistory).getPersistedSnapshot();
    const folded = applicationMachine.getPersistedSnapshot(snapshotAfter(storedHistory));

    expect(JSON.parse(JSON.stringify(original))).toMatchObject({
      value: 'notAccredited',
      context: { libraryId: LIBRARY_ID, mentorId: 'mentor-bryn', outcome: { certified: false } },
    });
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(original)));
    expect(JSON.parse(JSON.stringify(folded))).toEqual(JSON.parse(JSON.stringify(original)));
  });

  it('resumes from a restored snapshot', () => {
    const persisted = JSON.parse(JSON.stringify(runActor(history).getPersistedSnapshot()));
    // The input type is required even though a restored actor takes its context from the snapshot.
    const restored = createActor(applicationMachine, { snapshot: persisted, input: { libraryId: 'ignored' } }).start();
    restored.send(PASSING_EVENTS.reopen);

    const snapshot: ApplicationSnapshot = restored.getSnapshot();
    expect(snapshot.value).toBe('gatheringEvidence');
    expect(snapshot.context.outcome).toBeNull();
    expect(snapshot.context.mentorId).toBe('mentor-bryn');
    expect(snapshot.context.libraryId).toBe(LIBRARY_ID);
  });
});
