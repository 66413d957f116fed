import { randomUUID } from 'node:crypto';

import { LockMode, type EntityManager } from '@mikro-orm/core';

import { ApplicationSchema, type Application } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import { EvidenceElementSchema } from './evidence-element.entity.ts';
import { EvidenceSchema, type Evidence, type EvidenceKind } from './evidence.entity.ts';
import { SelfAssessmentSchema, type SelfAssessment } from './self-assessment.entity.ts';

/** States in which a library may change its evidence, statements and self-ratings. */
export const EDITABLE_STATES = ['draft', 'gatheringEvidence'] as const;

export type ElementMapping = { code: string; note?: string };
export type EvidenceInput = { kind: EvidenceKind; title: string; body?: string | null; url?: string | null; elements: ElementMapping[] };
export type EvidencePatch = { title?: string; body?: string | null; url?: string | null; elements?: ElementMapping[] };

/**
 * Locks the application row for sharing, so that a concurrent event waits for
 * this write and evidence cannot change after the application has left an
 * editable state. Call `assertEditable` once the request's own faults are checked.
 */
async function lockApplication(em: EntityManager, applicationId: string): Promise<Application> {
  return em.findOneOrFail(ApplicationSchema, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
}

function assertEditable(application: Application): void {
  if (!(EDITABLE_STATES as readonly string[]).includes(application.state)) {
    throw new AppError(
      'evidence_frozen',
      `Application ${application.id} is in state ${application.state}, so its evidence, statements and self-ratings are frozen. They can change only in ${EDITABLE_STATES.join(' or ')}.`,
      { state: application.state },
    );
  }
}

/** Locks the application and checks that its evidence may change (409 when frozen). */
export async function lockEditable(em: EntityManager, applicationId: string): Promise<Application> {
  const application = await lockApplication(em, applicationId);
  assertEditable(application);
  return application;
}

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
  if (kind === 'note' && (body === null || body === undefined)) throw AppError.invalid('body is missing: a note needs a body. Send body, or use kind "link" with a url.');
  if (kind === 'note' && url !== null && url !== undefined) throw AppError.invalid('url is not taken by a note. Use kind "link" for a link.');
  if (kind === 'link' && (url === null || url === undefined)) throw AppError.invalid('url is missing: a link needs a url. Send url, or use kind "note" with a body.');
}

function replaceMappings(em: EntityManager, evidenceId: string, mappings: ElementMapping[]): void {
  for (const mapping of mappings) {
    em.create(EvidenceElementSchema, { id: randomUUID(), evidence: evidenceId, elementCode: mapping.code, note: mapping.note ?? '' });
  }
}

export async function createEvidence(em: EntityManager, applicationId: string, authorId: string, standard: LoadedStandard, input: EvidenceInput): Promise<Evidence> {
  checkKindFields(input.kind, input.body, input.url);
  checkMappings(standard, input.elements);

  return em.transactional(async (tx) => {
    await lockEditable(tx, applicationId);
    const now = new Date();
    const evidence = tx.create(EvidenceSchema, {
      id: randomUUID(),
      application: applicationId,
      kind: input.kind,
      title: input.title,
      body: input.body ?? null,
      url: input.url ?? null,
      author: authorId,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    replaceMappings(tx, evidence.id, input.elements);
    return evidence;
  });
}

export async function updateEvidence(em: EntityManager, applicationId: string, evidenceId: string, standard: LoadedStandard, patch: EvidencePatch): Promise<Evidence> {
  if (patch.elements !== undefined) checkMappings(standard, patch.elements);

  return em.transactional(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    const evidence = await tx.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null });
    if (evidence === null) throw AppError.notFound('evidence item', evidenceId);

    if (patch.title !== undefined) evidence.title = patch.title;
    if (patch.body !== undefined) evidence.body = patch.body;
    if (patch.url !== undefined) evidence.url = patch.url;
    checkKindFields(evidence.kind, evidence.body, evidence.url);
    assertEditable(application);

    if (patch.elements !== undefined) {
      await tx.nativeDelete(EvidenceElementSchema, { evidence: evidence.id });
      replaceMappings(tx, evidence.id, patch.elements);
    }
    evidence.updatedAt = new Date();
    return evidence;
  });
}

/** Marks an item deleted; the row and its mappings stay for the history, but it no longer counts as evidence. */
export async function deleteEvidence(em: EntityManager, applicationId: string, evidenceId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    const evidence = await tx.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null });
    if (evidence === null) throw AppError.notFound('evidence item', evidenceId);
    assertEditable(application);
    evidence.deletedAt = new Date();
  });
}

export async function putSelfAssessment(
  em: EntityManager,
  applicationId: string,
  authorId: string,
  standard: LoadedStandard,
  code: string,
  input: { rating: string; statement?: string },
): Promise<SelfAssessment> {
  if (!standard.hasElement(code)) throw AppError.invalid(`Element code "${code}" is not in ${standard.id} ${standard.version}. Use a code from GET /api/standards/${standard.id}.`);
  if (!standard.hasRating(input.rating)) {
    throw AppError.invalid(`rating "${input.rating}" is not on the ${standard.id} scale. Use one of: ${standard.ratingScale.map((rating) => rating.id).join(', ')}.`);
  }

  return em.transactional(async (tx) => {
    await lockEditable(tx, applicationId);
    const existing = await tx.findOne(SelfAssessmentSchema, { application: applicationId, elementCode: code });
    const now = new Date();
    if (existing !== null) {
      existing.rating = input.rating;
      if (input.statement !== undefined) existing.statement = input.statement;
      existing.author = authorId;
      existing.updatedAt = now;
      return existing;
    }
    return tx.create(SelfAssessmentSchema, {
      id: randomUUID(),
      application: applicationId,
      elementCode: code,
      rating: input.rating,
      statement: input.statement ?? '',
      author: authorId,
      updatedAt: now,
    });
  });
}
