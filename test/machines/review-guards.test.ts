import { describe, expect, it } from 'vitest';

import type { ApplicationEvent, ReviewFacts } from '../../machines/application.machine.ts';
import { explainRefusal } from '../../machines/explain-refusal.ts';
import { snapshotAfter, STATE_ROUTES, stateNameOf } from './application-fixtures.ts';

const inReview = () => snapshotAfter(STATE_ROUTES['peerReview.inReview']);
const facts = (partial: Partial<ReviewFacts>): ReviewFacts => ({ needsWork: [], needsWorkWithoutComment: [], notReviewed: [], ...partial });
const requestChanges = (review?: ReviewFacts): ApplicationEvent => ({ type: 'review.requestChanges', comment: 'Add the 2026 survey.', review });
const approve = (review?: ReviewFacts): ApplicationEvent => ({ type: 'review.approve', review });

describe('review guards', () => {
  it('requests changes with a needs_work element', () => {
    expect(inReview().can(requestChanges(facts({ needsWork: ['1.3.1'], notReviewed: ['2.1.1'] })))).toBe(true);
  });

  it('refuses changes with no needs_work element', () => {
    const snapshot = inReview();
    const event = requestChanges(facts({ notReviewed: ['1.1.1'] }));

    expect(snapshot.can(event)).toBe(false);
    expect(explainRefusal(snapshot, event).message).toContain('at least one element marked needs_work with a comment');
  });

  it('names needs_work elements lacking comments', () => {
    const snapshot = inReview();
    const event = requestChanges(facts({ needsWorkWithoutComment: ['4.3.2', '1.2.1'] }));

    expect(snapshot.can(event)).toBe(false);
    expect(explainRefusal(snapshot, event).message).toContain('1.2.1, 4.3.2');
  });

  it('approves a complete review', () => {
    const after = snapshotAfter([...STATE_ROUTES['peerReview.inReview'], approve(facts({}))]);

    expect(stateNameOf(after)).toBe('readyToSubmit');
  });

  it('refuses approval with needs_work', () => {
    const snapshot = inReview();
    const event = approve(facts({ needsWork: ['3.3.3'] }));

    expect(snapshot.can(event)).toBe(false);
    expect(explainRefusal(snapshot, event).message).toContain('marked needs_work: 3.3.3');
  });

  it('refuses approval with unreviewed elements', () => {
    const snapshot = inReview();
    const event = approve(facts({ notReviewed: ['5.3.3', '5.1.1'] }));

    expect(snapshot.can(event)).toBe(false);
    expect(explainRefusal(snapshot, event).message).toContain('not reviewed: 5.1.1, 5.3.3');
  });

  it('passes events recorded without facts', () => {
    expect(inReview().can(approve())).toBe(true);
    expect(inReview().can(requestChanges())).toBe(true);
  });
});
