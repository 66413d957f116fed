import type { EntityManager } from '@mikro-orm/core';

import { ApplicationEventSchema } from '../applications/application-event.entity.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';

/** The assessor's outcome as the application page shows it. */
export type RecordedOutcome = {
  reportDate: string;
  certificationBody: string;
  state: string;
  ratingCounts: { label: string; count: number }[];
  recordedAt: string;
};

/**
 * Reads the latest outcome recorded for an application from its `outcome.record`
 * event, or null when none was. An application that was not accredited and was
 * reopened keeps its earlier outcome until a new one is recorded. A rating that
 * is not on the standard's scale is counted under its id.
 */
export async function readRecordedOutcome(em: EntityManager, applicationId: string, standard: LoadedStandard): Promise<RecordedOutcome | null> {
  const event = await em.findOne(ApplicationEventSchema, { application: applicationId, type: 'outcome.record', kind: 'machine' }, { orderBy: { sequence: 'desc' } });
  if (event === null) return null;

  const payload = event.payload as { reportDate?: unknown; certificationBody?: unknown; ratings?: Record<string, unknown> };
  const counts = new Map<string, number>();
  for (const rating of Object.values(payload.ratings ?? {})) counts.set(String(rating), (counts.get(String(rating)) ?? 0) + 1);

  const onScale = standard.ratingScale.map((rating) => ({ label: rating.label, count: counts.get(rating.id) ?? 0 }));
  const offScale = [...counts].filter(([id]) => !standard.hasRating(id)).map(([id, count]) => ({ label: id, count }));
  return {
    reportDate: String(payload.reportDate ?? ''),
    certificationBody: String(payload.certificationBody ?? ''),
    state: event.toState == null ? '' : stateInWords(event.toState),
    ratingCounts: [...onScale, ...offScale],
    recordedAt: event.createdAt.toISOString(),
  };
}
