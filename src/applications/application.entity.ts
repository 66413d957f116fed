import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { CanonicalJsonType } from '../db/canonical-json.type.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

export const CYCLES = ['initial', 'annual_review', 'reassessment'] as const;
export type Cycle = (typeof CYCLES)[number];

/**
 * A library's application for one standard in one cycle. `snapshot` is the
 * machine's persisted snapshot; `state` and `mentor` copy parts of it so that
 * lists can filter without reading JSON. `version` is the optimistic lock.
 */
export const ApplicationSchema = defineEntity({
  name: 'Application',
  tableName: 'application',
  properties: {
    id: p.uuid().primary(),
    library: () => p.manyToOne(LibrarySchema).mapToPk().index(),
    standardId: p.text(),
    standardVersion: p.text(),
    cycle: p.enum(CYCLES),
    state: p.text().index(),
    snapshot: p.json<Record<string, unknown>>().type(CanonicalJsonType),
    machineVersion: p.integer(),
    mentor: () => p.manyToOne(PersonSchema).mapToPk().nullable().index(),
    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
    stateChangedAt: p.datetime().onCreate(() => new Date()),
    // The cycle: the application this one follows, when it is due, the report date that started the
    // three-year cycle, and which annual review of the cycle it is (1 or 2).
    previousApplicationId: p.uuid().nullable(),
    dueOn: p.text().nullable(),
    cycleStartedOn: p.text().nullable(),
    reviewNumber: p.integer().nullable(),
  },
});

export type Application = InferEntity<typeof ApplicationSchema>;
