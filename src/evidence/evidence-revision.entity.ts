import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';
import { EvidenceSchema } from './evidence.entity.ts';

export type RevisionMapping = { code: string; note: string };

/**
 * One immutable revision of an evidence item: the whole item as it was after a
 * change, mappings included. A submitted record points at revisions, so what
 * was submitted stays readable whatever changes later.
 */
export const EvidenceRevisionSchema = defineEntity({
  name: 'EvidenceRevision',
  tableName: 'evidence_revision',
  properties: {
    id: p.uuid().primary(),
    evidence: () => p.manyToOne(EvidenceSchema).mapToPk(),
    number: p.integer(),
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
    elements: p.json<RevisionMapping[]>(),
    deleted: p.boolean().default(false),
    author: () => p.manyToOne(PersonSchema).mapToPk(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['evidence', 'number'] }],
});

export type EvidenceRevision = InferEntity<typeof EvidenceRevisionSchema>;
