import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { EvidenceRevisionSchema } from '../evidence/evidence-revision.entity.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { SelfAssessmentSchema } from '../evidence/self-assessment.entity.ts';
import type { Application } from './application.entity.ts';
import { SubmissionSchema, type Submission } from './submission.entity.ts';

export type SubmittedEvidence = {
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

export type SubmissionRecord = {
  standard: { id: string; version: string };
  evidence: SubmittedEvidence[];
  selfAssessments: { code: string; rating: string; statement: string }[];
};

/**
 * Records exactly what is being submitted, inside the submit transaction: the
 * current revision of every live evidence item, with its hash, and every
 * statement and self-rating. The record is a copy, so later edits (after a
 * `reopen`) never change it.
 */
export async function recordSubmission(em: EntityManager, application: Application, eventSequence: number, submittedAt: Date): Promise<Submission> {
  const items = await em.find(EvidenceSchema, { application: application.id, deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const revisions = items.length === 0 ? [] : await em.find(EvidenceRevisionSchema, { $or: items.map((item) => ({ evidence: item.id, number: item.revision as number })) });
  const byItem = new Map(revisions.map((revision) => [revision.evidence, revision]));
  const assessments = await em.find(SelfAssessmentSchema, { application: application.id }, { orderBy: { elementCode: 'asc' } });

  const record: SubmissionRecord = {
    standard: { id: application.standardId, version: application.standardVersion },
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

  return em.create(SubmissionSchema, { id: randomUUID(), application: application.id, eventSequence, submittedAt, record });
}

/** Removes the items deleted during an application's life, with their revisions, once it is withdrawn. */
export async function purgeDeletedEvidence(em: EntityManager, applicationId: string): Promise<number> {
  const connection = em.getConnection();
  const context = em.getTransactionContext();
  const deleted = 'select id from evidence where application_id = ? and deleted_at is not null';
  await connection.execute(`delete from evidence_revision where evidence_id in (${deleted})`, [applicationId], 'run', context);
  await connection.execute(`delete from evidence_element where evidence_id in (${deleted})`, [applicationId], 'run', context);
  const result = await connection.execute<{ affectedRows: number }>('delete from evidence where application_id = ? and deleted_at is not null', [applicationId], 'run', context);
  return result.affectedRows ?? 0;
}
