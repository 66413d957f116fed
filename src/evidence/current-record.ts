import type { EntityManager } from '@mikro-orm/core';

import { EvidenceRevisionSchema } from './evidence-revision.entity.ts';
import { EvidenceSchema } from './evidence.entity.ts';
import { SelfAssessmentSchema } from './self-assessment.entity.ts';

export type RecordedEvidence = {
  id: string;
  revision: number;
  kind: string;
  title: string;
  body: string | null;
  url: string | null;
  fileName: string | null;
  sha256: string | null;
  size: number | null;
  mediaType: string | null;
  reference: string | null;
  elements: { code: string; note: string }[];
};

export type RecordedAssessment = { code: string; rating: string; statement: string };

/** A copy of an application's evidence and self-assessment at one moment, as submitted or as a mentor reviewed it. */
export type EvidenceRecord = { evidence: RecordedEvidence[]; selfAssessments: RecordedAssessment[] };

/**
 * Reads the current revision of every live evidence item, with its hash, and
 * every statement and self-rating. The result is a plain copy: later edits
 * never change it.
 */
export async function readCurrentRecord(em: EntityManager, applicationId: string): Promise<EvidenceRecord> {
  const items = await em.find(EvidenceSchema, { application: applicationId, deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const revisions = items.length === 0 ? [] : await em.find(EvidenceRevisionSchema, { $or: items.map((item) => ({ evidence: item.id, number: item.revision as number })) });
  const byItem = new Map(revisions.map((revision) => [revision.evidence, revision]));
  const assessments = await em.find(SelfAssessmentSchema, { application: applicationId }, { orderBy: { elementCode: 'asc' } });

  return {
    evidence: items.map((item) => {
      const revision = byItem.get(item.id)!;
      return {
        id: item.id,
        revision: revision.number,
        kind: item.kind,
        title: revision.title,
        body: revision.body ?? null,
        url: revision.url ?? null,
        fileName: revision.fileName ?? null,
        sha256: revision.sha256 ?? null,
        size: revision.size ?? null,
        mediaType: revision.mediaType ?? null,
        reference: revision.reference ?? null,
        elements: revision.elements,
      };
    }),
    selfAssessments: assessments.map((row) => ({ code: row.elementCode, rating: row.rating, statement: row.statement as string })),
  };
}
