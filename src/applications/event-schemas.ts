import { z } from '@hono/zod-openapi';

const text = (max: number) => z.string().max(max);
// Date.parse rolls 2026-02-30 over to March, so a date counts as real only if it survives the round trip.
const isRealDate = (value: string) => {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
};
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD').refine(isRealDate, 'expected a real calendar date');

/**
 * The events a client may send, each a strict object. The facts the guards need
 * (coverage, the mentor's library, the element list and the certification rule)
 * are added by the service, never taken from the client.
 */
export const EventRequestSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('start') }),
    z.strictObject({ type: z.literal('review.request') }),
    z.strictObject({ type: z.literal('mentor.assign'), mentorId: z.uuid(), reason: text(2000).optional() }),
    z.strictObject({ type: z.literal('mentor.release'), reason: text(2000) }),
    z.strictObject({ type: z.literal('review.requestChanges'), comment: text(10_000) }),
    z.strictObject({ type: z.literal('review.approve') }),
    z.strictObject({ type: z.literal('submit') }),
    z.strictObject({
      type: z.literal('outcome.record'),
      ratings: z.record(z.string().max(50), z.string().max(100)),
      reportDate: isoDate,
      certificationBody: text(300).min(1),
    }),
    z.strictObject({ type: z.literal('reopen') }),
    z.strictObject({ type: z.literal('withdraw'), reason: text(2000).optional() }),
  ])
  .openapi('EventRequest');

export type EventRequest = z.infer<typeof EventRequestSchema>;
