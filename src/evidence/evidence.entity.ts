import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

export const EVIDENCE_KINDS = ['note', 'link'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** A piece of evidence; a deleted item keeps its row with `deletedAt` set, so its history survives. */
export const EvidenceSchema = defineEntity({
  name: 'Evidence',
  tableName: 'evidence',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk().index(),
    kind: p.enum(EVIDENCE_KINDS),
    title: p.text(),
    body: p.text().nullable(),
    url: p.text().nullable(),
    author: () => p.manyToOne(PersonSchema).mapToPk(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
});

export type Evidence = InferEntity<typeof EvidenceSchema>;
