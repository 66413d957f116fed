import { describe, it, expect } from 'vitest';
import { compareElementCodes, decideCertification, findUnratedElements } from '../../machines/certification-rule.ts';
import { CSE_RULE, ELEMENT_CODES, buildRatings } from './application-fixtures.ts';

describe('decideCertification', () => {
  it('certifies all compliance', () => {
    expect(decideCertification(buildRatings(), CSE_RULE)).toEqual({ certified: true, reasons: [] });
  });

  it('certifies 11 partial compliance', () => {
    expect(decideCertification(buildRatings({ partial: 11 }), CSE_RULE)).toEqual({ certified: true, reasons: [] });
  });

  it('rejects 12 partial compliance', () => {
    expect(decideCertification(buildRatings({ partial: 12 }), CSE_RULE)).toEqual({
      certified: false,
      reasons: ['12 elements rated partial_compliance, more than the 11 allowed'],
    });
  });

  it('rejects one non compliance', () => {
    const ratings = { ...buildRatings(), '2.3.1': 'non_compliance' };
    expect(decideCertification(ratings, CSE_RULE)).toEqual({
      certified: false,
      reasons: ['1 element rated non_compliance, which blocks certification: 2.3.1'],
    });
  });

  it('lists blocking codes in framework order', () => {
    const ratings = { ...buildRatings(), '10.1.1': 'non_compliance', '2.3.1': 'non_compliance', '1.1.1': 'non_compliance' };
    expect(decideCertification(ratings, CSE_RULE).reasons).toEqual([
      '3 elements rated non_compliance, which blocks certification: 1.1.1, 2.3.1, 10.1.1',
    ]);
  });

  it('reports every unmet condition', () => {
    const decision = decideCertification(buildRatings({ non: 2, partial: 12 }), CSE_RULE);
    expect(decision.certified).toBe(false);
    expect(decision.reasons).toEqual([
      '2 elements rated non_compliance, which blocks certification: 1.1.1, 1.1.2',
      '12 elements rated partial_compliance, more than the 11 allowed',
    ]);
  });

  it('allows ratings the rule does not name', () => {
    const ratings = { ...buildRatings(), '1.1.1': 'compliance_plus', '1.1.2': 'compliance_plus' };
    expect(decideCertification(ratings, CSE_RULE)).toEqual({ certified: true, reasons: [] });
  });

  it('enforces a zero maximum', () => {
    const rule = { blocking: [], maxCount: { partial_compliance: 0 } };
    expect(decideCertification(buildRatings({ partial: 1 }), rule)).toEqual({
      certified: false,
      reasons: ['1 element rated partial_compliance, more than the 0 allowed'],
    });
  });

  it('rejects an invalid maximum', () => {
    const ratings = buildRatings();
    expect(() => decideCertification(ratings, { blocking: [], maxCount: { partial_compliance: -1 } })).toThrow(
      'maxCount for partial_compliance must be a non-negative whole number, got -1',
    );
    expect(() => decideCertification(ratings, { blocking: [], maxCount: { partial_compliance: Number.NaN } })).toThrow(RangeError);
  });
});

describe('findUnratedElements', () => {
  it('finds missing and blank ratings', () => {
    const ratings: Record<string, string> = { ...buildRatings(), '1.2.1': '  ' };
    delete ratings['3.2.1'];
    expect(findUnratedElements(ratings, ELEMENT_CODES)).toEqual(['1.2.1', '3.2.1']);
  });

  it('ignores inherited properties', () => {
    expect(findUnratedElements({}, ['toString', 'constructor'])).toEqual(['toString', 'constructor']);
  });

  it('returns nothing when all rated', () => {
    expect(findUnratedElements(buildRatings(), ELEMENT_CODES)).toEqual([]);
  });
});

describe('compareElementCodes', () => {
  it('sorts numerically by part', () => {
    expect(['10.1.1', '2.10.1', '2.9.1', '1.1.2', '1.1.10'].sort(compareElementCodes)).toEqual([
      '1.1.2',
      '1.1.10',
      '2.9.1',
      '2.10.1',
      '10.1.1',
    ]);
  });
});
