import type { EntityManager } from '@mikro-orm/core';

import { EvidenceElementSchema } from './evidence-element.entity.ts';
import { EvidenceSchema, type Evidence, type EvidenceKind } from './evidence.entity.ts';
import { SelfAssessmentSchema } from './self-assessment.entity.ts';

export type EvidenceJson = {
  id: string;
  kind: EvidenceKind;
  title: string;
  body: string | null;
  url: string | null;
  fileName: string | null;
  sha256: string | null;
  size: number | null;
  mediaType: string | null;
  reference: string | null;
  owner: string | null;
  evidenceDate: string | null;
  evidenceType: string | null;
  revision: number;
  authorId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  elements: { code: string; note: string }[];
};

/** Lists evidence items with their mappings, oldest first: live items only unless `includeDeleted`. */
export async function listEvidence(em: EntityManager, applicationId: string, page: { limit: number; offset: number; includeDeleted?: boolean }) {
  const where = page.includeDeleted === true ? { application: applicationId } : { application: applicationId, deletedAt: null };
  const [items, total] = await em.findAndCount(EvidenceSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: page.limit, offset: page.offset });
  return { items: await withMappings(em, items), total };
}

export async function withMappings(em: EntityManager, items: Evidence[]): Promise<EvidenceJson[]> {
  const mappings = items.length === 0 ? [] : await em.find(EvidenceElementSchema, { evidence: { $in: items.map((item) => item.id) } }, { orderBy: { elementCode: 'asc' } });
  const byEvidence = Map.groupBy(mappings, (mapping) => mapping.evidence);
  return items.map((item) => ({
    id: item.id,
    kind: item.kind,
    title: item.title,
    body: item.body ?? null,
    url: item.url ?? null,
    fileName: item.fileName ?? null,
    sha256: item.sha256 ?? null,
    size: item.size ?? null,
    mediaType: item.mediaType ?? null,
    reference: item.reference ?? null,
    owner: item.owner ?? null,
    evidenceDate: item.evidenceDate ?? null,
    evidenceType: item.evidenceType ?? null,
    revision: item.revision as number,
    authorId: item.author,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    deletedAt: item.deletedAt?.toISOString() ?? null,
    elements: (byEvidence.get(item.id) ?? []).map((mapping) => ({ code: mapping.elementCode, note: mapping.note as string })),
  }));
}

export async function listSelfAssessments(em: EntityManager, applicationId: string, page: { limit: number; offset: number }) {
  const [rows, total] = await em.findAndCount(SelfAssessmentSchema, { application: applicationId }, { orderBy: { elementCode: 'asc' }, limit: page.limit, offset: page.offset });
  return { items: rows.map(selfAssessmentJson), total };
}

export function selfAssessmentJson(row: { elementCode: string; rating: string; statement: unknown; author: string; updatedAt: Date }) {
  return { code: row.elementCode, rating: row.rating, statement: row.statement as string, authorId: row.author, updatedAt: row.updatedAt.toISOString() };
}
