import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';
import { ApplicationSchema } from './application.entity.ts';

export const EVENT_KINDS = ['machine', 'record'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * One line of an application's append-only history. A `machine` event is the
 * event exactly as the machine received it (facts added by the service
 * included), so replaying them reproduces the stored snapshot. A `record`
 * (a reminder, an overdue notice) does not change the state. A null actor is
 * the system.
 */
export const ApplicationEventSchema = defineEntity({
  name: 'ApplicationEvent',
  tableName: 'application_event',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk(),
    sequence: p.integer(),
    type: p.text(),
    kind: p.enum(EVENT_KINDS),
    payload: p.json<Record<string, unknown>>(),
    actor: () => p.manyToOne(PersonSchema).mapToPk().nullable(),
    fromState: p.text().nullable(),
    toState: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['application', 'sequence'] }],
});

export type ApplicationEvent = InferEntity<typeof ApplicationEventSchema>;
