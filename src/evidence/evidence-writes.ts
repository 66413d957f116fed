import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { AppError } from '../errors.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { refreshCoverageCount } from './coverage-count.ts';
import { assertEditable, lockApplication, lockEditable } from './edit-lock.ts';
import { currentMappings, recordRevision, replaceMappings, type ElementMapping } from './evidence-revisions.ts';
import { EvidenceSchema, type Evidence, type EvidenceKind } from './evidence.entity.ts';

export type { ElementMapping } from './evidence-revisions.ts';

/** The matrix columns an item keeps beside its content, so that an export gives the rows back. */
export type MatrixFields = { reference?: string | null; owner?: string | null; evidenceDate?: string | null; evidenceType?: string | null };
export type FileContent = { fileName: string; sha256: string; size: number; mediaType: string };

export type NewEvidence = MatrixFields & {
  kind: EvidenceKind;
  title: string;
  body?: string | null;
  url?: string | null;
  file?: FileContent;
  elements: ElementMapping[];
};
export type EvidencePatch = MatrixFields & { title?: string; body?: string | null; url?: string | null; elements?: ElementMapping[] };

/** Rejects (422) element codes that are not in the application's standard, or listed twice. */
export function checkMappings(standard: LoadedStandard, mappings: ElementMapping[]): void {
  const unknown = mappings.map((mapping) => mapping.code).filter((code) => !standard.hasElement(code));
  if (unknown.length > 0) {
    throw AppError.invalid(`elements: unknown element code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in ${standard.id} ${standard.version}. Use codes from GET /api/standards/${standard.id}.`);
  }
  const seen = new Set<string>();
  const repeated = mappings.map((mapping) => mapping.code).filter((code) => seen.size === seen.add(code).size);
  if (repeated.length > 0) throw AppError.invalid(`elements: code ${repeated.join(', ')} is listed more than once; list each element once.`);
}

function checkKindFields(kind: EvidenceKind, body: string | null | undefined, url: string | null | undefined): void {
  if (kind === 'note' && (body === null || body === undefined)) throw AppError.invalid('The field "body" is missing: a note needs its text in body. Send body, or use kind "link" with a url.');
  if (kind !== 'link' && url !== null && url !== undefined) throw AppError.invalid(`The field "url" is not taken by a ${kind}. Use kind "link" for a link.`);
  if (kind === 'link' && (url === null || url === undefined)) throw AppError.invalid('The field "url" is missing: a link needs a url. Send url, or use kind "note" with a body.');
}

/**
 * Creates items inside the caller's transaction, each with its first revision.
 * The caller has locked the application and checked that it is editable.
 */
export async function insertEvidence(em: EntityManager, applicationId: string, authorId: string, inputs: NewEvidence[]): Promise<Evidence[]> {
  const end = Date.now();
  const created: Evidence[] = [];
  for (const [index, input] of inputs.entries()) {
    // Lists order evidence by creation time, then by a random id, so items created together are spaced
    // 1 ms apart (the last at the real time) to keep the order of a matrix's rows or an upload's files.
    const now = new Date(end - (inputs.length - 1 - index));
    const evidence = em.create(EvidenceSchema, {
      id: randomUUID(),
      application: applicationId,
      kind: input.kind,
      title: input.title,
      body: input.body ?? null,
      url: input.url ?? null,
      fileName: input.file?.fileName ?? null,
      sha256: input.file?.sha256 ?? null,
      size: input.file?.size ?? null,
      mediaType: input.file?.mediaType ?? null,
      reference: input.reference ?? null,
      owner: input.owner ?? null,
      evidenceDate: input.evidenceDate ?? null,
      evidenceType: input.evidenceType ?? null,
      revision: 1,
      author: authorId,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    const mappings = await replaceMappings(em, evidence.id, input.elements, false);
    recordRevision(em, evidence, mappings, authorId, now);
    created.push(evidence);
  }
  if (inputs.some((input) => input.elements.length > 0)) await refreshCoverageCount(em, applicationId);
  return created;
}

export async function createEvidence(em: EntityManager, applicationId: string, authorId: string, standard: LoadedStandard, input: NewEvidence): Promise<Evidence> {
  checkKindFields(input.kind, input.body, input.url);
  checkMappings(standard, input.elements);

  return em.transactional(async (tx) => {
    await lockEditable(tx, applicationId);
    const [evidence] = await insertEvidence(tx, applicationId, authorId, [input]);
    return evidence;
  });
}

/**
 * Changes an item and records the result as a new revision. Faults of the
 * request itself (404, 422) are reported before a frozen application (409).
 */
export async function updateEvidence(
  em: EntityManager,
  applicationId: string,
  evidenceId: string,
  authorId: string,
  standard: LoadedStandard,
  patch: EvidencePatch,
  file?: FileContent,
): Promise<Evidence> {
  if (patch.elements !== undefined) checkMappings(standard, patch.elements);

  return em.transactional(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    const evidence = await tx.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null });
    if (evidence === null) throw AppError.notFound('evidence item', evidenceId);
    if (file !== undefined && evidence.kind !== 'file') {
      throw AppError.invalid(`Evidence item ${evidenceId} is a ${evidence.kind}, not a file, so it takes no new file. Upload the file as a new item.`);
    }

    for (const key of ['title', 'body', 'url', 'reference', 'owner', 'evidenceDate', 'evidenceType'] as const) {
      if (patch[key] !== undefined) (evidence as Record<string, unknown>)[key] = patch[key];
    }
    if (file !== undefined) Object.assign(evidence, file);
    checkKindFields(evidence.kind, evidence.body, evidence.url);
    assertEditable(application);

    const mappings = patch.elements === undefined ? await currentMappings(tx, evidence.id) : await replaceMappings(tx, evidence.id, patch.elements, true);
    const now = new Date();
    evidence.revision = (evidence.revision as number) + 1;
    evidence.updatedAt = now;
    recordRevision(tx, evidence, mappings, authorId, now);
    if (patch.elements !== undefined) await refreshCoverageCount(tx, applicationId);
    return evidence;
  });
}

/** Marks an item deleted with a last revision; the row stays for the history, but it no longer counts as evidence. */
export async function deleteEvidence(em: EntityManager, applicationId: string, evidenceId: string, authorId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    const evidence = await tx.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null });
    if (evidence === null) throw AppError.notFound('evidence item', evidenceId);
    assertEditable(application);

    const now = new Date();
    evidence.deletedAt = now;
    evidence.revision = (evidence.revision as number) + 1;
    evidence.updatedAt = now;
    recordRevision(tx, evidence, await currentMappings(tx, evidence.id), authorId, now);
    await refreshCoverageCount(tx, applicationId);
  });
}
