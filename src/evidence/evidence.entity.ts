import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

export const EVIDENCE_KINDS = ['note', 'link', 'file'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * A piece of evidence: a note, a link or a file, with the current values of its
 * newest revision. A deleted item keeps its row with `deletedAt` set, so its
 * history survives until the application is withdrawn.
 */
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
    fileName: p.text().nullable(),
    sha256: p.text().nullable(),
    size: p.bigint('number').nullable(),
    mediaType: p.text().nullable(),
    reference: p.text().nullable(),
    owner: p.text().nullable(),
    evidenceDate: p.text().nullable(),
    evidenceType: p.text().nullable(),
    revision: p.integer().default(1),
    // For an item copied into the next application of the cycle: the item and revision it came from.
    sourceEvidenceId: p.uuid().nullable(),
    sourceRevision: p.integer().nullable(),
    author: () => p.manyToOne(PersonSchema).mapToPk(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
});

export type Evidence = InferEntity<typeof EvidenceSchema>;
