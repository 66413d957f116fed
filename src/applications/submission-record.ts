import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { readCurrentRecord, type EvidenceRecord } from '../evidence/current-record.ts';
import type { Application } from './application.entity.ts';
import { SubmissionSchema, type Submission } from './submission.entity.ts';

export type SubmissionRecord = EvidenceRecord & { standard: { id: string; version: string } };

/**
 * Records exactly what is being submitted, inside the submit transaction: the
 * current revision of every live evidence item, with its hash, and every
 * statement and self-rating. Later edits (after a `reopen`) never change it.
 */
export async function recordSubmission(em: EntityManager, application: Application, eventSequence: number, submittedAt: Date): Promise<Submission> {
  const record: SubmissionRecord = { standard: { id: application.standardId, version: application.standardVersion }, ...(await readCurrentRecord(em, application.id)) };
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
