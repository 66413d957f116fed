import type { EntityManager } from '@mikro-orm/core';

import { EvidenceElementSchema } from '../evidence-element.entity.ts';
import { EvidenceSchema, type Evidence } from '../evidence.entity.ts';
import { SelfAssessmentSchema } from '../self-assessment.entity.ts';
import type { ExportAssessment, ExportItem } from './export-matrix.ts';

function toRow(item: Evidence, codes: string[]): ExportItem {
  return {
    elements: codes,
    title: item.title,
    link: item.kind === 'link' ? (item.url ?? null) : null,
    // A file has no link, so its display name becomes its reference unless it has one of its own.
    reference: item.reference ?? (item.kind === 'file' ? (item.fileName ?? null) : null),
    owner: item.owner ?? null,
    date: item.evidenceDate ?? null,
    notes: item.body ?? null,
    evidenceType: item.evidenceType ?? null,
  };
}

/** Reads an application's live evidence as matrix rows, oldest first, and its self-assessments by element code. */
export async function readMatrixRows(em: EntityManager, applicationId: string): Promise<{ items: ExportItem[]; assessments: ExportAssessment[] }> {
  const items = await em.find(EvidenceSchema, { application: applicationId, deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const mappings = items.length === 0 ? [] : await em.find(EvidenceElementSchema, { evidence: { $in: items.map((item) => item.id) } }, { orderBy: { elementCode: 'asc' } });
  const codes = Map.groupBy(mappings, (mapping) => mapping.evidence);
  const assessments = await em.find(SelfAssessmentSchema, { application: applicationId }, { orderBy: { elementCode: 'asc' } });

  return {
    items: items.map((item) => toRow(item, (codes.get(item.id) ?? []).map((mapping) => mapping.elementCode))),
    assessments: assessments.map((row) => ({ code: row.elementCode, rating: row.rating, statement: row.statement as string })),
  };
}
