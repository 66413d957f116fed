import { describe, expect, it } from 'vitest';

import { EventRequestSchema } from '../../src/applications/event-schemas.ts';

const outcome = (reportDate: string) => ({ type: 'outcome.record', ratings: { '1.1.1': 'compliance' }, reportDate, certificationBody: 'Example Certification Ltd' });

describe('event request schema', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-1-05', '05/11/2026', ''])('rejects report date %j', (reportDate) => {
    expect(EventRequestSchema.safeParse(outcome(reportDate)).success).toBe(false);
  });

  it.each(['2026-02-28', '2024-02-29', '2026-12-31'])('accepts report date %s', (reportDate) => {
    expect(EventRequestSchema.safeParse(outcome(reportDate)).success).toBe(true);
  });

  it('rejects facts sent by a client', () => {
    const result = EventRequestSchema.safeParse({ type: 'review.request', coverage: { elements: 1, withEvidence: 1, rated: 1 } });
    expect(result.success).toBe(false);
  });

  it('rejects an unknown event type', () => {
    expect(EventRequestSchema.safeParse({ type: 'launch' }).success).toBe(false);
  });
});
