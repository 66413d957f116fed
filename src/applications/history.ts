import type { EntityManager } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';
import { ApplicationEventSchema, type EventKind } from './application-event.entity.ts';

export type HistoryItem = {
  sequence: number;
  type: string;
  kind: EventKind;
  actor: { id: string; name: string } | 'system';
  fromState: string | null;
  toState: string | null;
  time: string;
  payload: Record<string, unknown>;
};

/** Reads one page of an application's history, oldest first. */
export async function readHistory(em: EntityManager, applicationId: string, page: { limit: number; offset: number }): Promise<{ items: HistoryItem[]; total: number }> {
  const [events, total] = await em.findAndCount(ApplicationEventSchema, { application: applicationId }, { orderBy: { sequence: 'asc' }, ...page });

  const actorIds = [...new Set(events.map((event) => event.actor).filter((id): id is string => typeof id === 'string'))];
  const actors = actorIds.length === 0 ? [] : await em.find(PersonSchema, { id: { $in: actorIds } });
  const names = new Map(actors.map((person) => [person.id, person.name]));

  const items = events.map((event) => ({
    sequence: event.sequence,
    type: event.type,
    kind: event.kind,
    actor: typeof event.actor === 'string' ? { id: event.actor, name: names.get(event.actor) ?? 'former person' } : ('system' as const),
    fromState: event.fromState ?? null,
    toState: event.toState ?? null,
    time: event.createdAt.toISOString(),
    payload: event.payload,
  }));
  return { items, total };
}
