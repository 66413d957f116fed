import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { PersonSchema } from '../people/person.entity.ts';
import { EvidenceElementSchema } from './evidence-element.entity.ts';
import { EvidenceRevisionSchema, type EvidenceRevision, type RevisionMapping } from './evidence-revision.entity.ts';
import type { Evidence } from './evidence.entity.ts';

export type ElementMapping = { code: string; note?: string };

/** Replaces an item's element mappings with `mappings` and returns them as stored. */
export async function replaceMappings(em: EntityManager, evidenceId: string, mappings: ElementMapping[], existing: boolean): Promise<RevisionMapping[]> {
  if (existing) await em.nativeDelete(EvidenceElementSchema, { evidence: evidenceId });
  const stored = mappings.map((mapping) => ({ code: mapping.code, note: mapping.note ?? '' }));
  for (const mapping of stored) {
    em.create(EvidenceElementSchema, { id: randomUUID(), evidence: evidenceId, elementCode: mapping.code, note: mapping.note });
  }
  return stored;
}

export async function currentMappings(em: EntityManager, evidenceId: string): Promise<RevisionMapping[]> {
  const rows = await em.find(EvidenceElementSchema, { evidence: evidenceId }, { orderBy: { elementCode: 'asc' } });
  return rows.map((row) => ({ code: row.elementCode, note: row.note as string }));
}

/** Writes the item's current values as its revision number `evidence.revision`; call it after every change. */
export function recordRevision(em: EntityManager, evidence: Evidence, mappings: RevisionMapping[], authorId: string, now: Date): EvidenceRevision {
  return em.create(EvidenceRevisionSchema, {
    id: randomUUID(),
    evidence: evidence.id,
    number: evidence.revision as number,
    title: evidence.title,
    body: evidence.body ?? null,
    url: evidence.url ?? null,
    fileName: evidence.fileName ?? null,
    sha256: evidence.sha256 ?? null,
    size: evidence.size ?? null,
    mediaType: evidence.mediaType ?? null,
    reference: evidence.reference ?? null,
    owner: evidence.owner ?? null,
    evidenceDate: evidence.evidenceDate ?? null,
    evidenceType: evidence.evidenceType ?? null,
    elements: [...mappings].sort((left, right) => left.code.localeCompare(right.code)),
    deleted: evidence.deletedAt != null,
    author: authorId,
    createdAt: now,
  });
}

/** Lists every revision of an item, oldest first, with who made it. */
export async function readRevisions(em: EntityManager, evidenceId: string) {
  const revisions = await em.find(EvidenceRevisionSchema, { evidence: evidenceId }, { orderBy: { number: 'asc' } });
  const authors = await em.find(PersonSchema, { id: { $in: [...new Set(revisions.map((revision) => revision.author))] } });
  const names = new Map(authors.map((person) => [person.id, person.name]));
  return revisions.map((revision) => ({
    number: revision.number,
    title: revision.title,
    sha256: revision.sha256 ?? null,
    size: revision.size ?? null,
    fileName: revision.fileName ?? null,
    deleted: revision.deleted as boolean,
    elements: revision.elements,
    author: { id: revision.author, name: names.get(revision.author) ?? 'former person' },
    time: revision.createdAt.toISOString(),
  }));
}
