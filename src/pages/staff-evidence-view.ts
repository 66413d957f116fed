import type { EntityManager } from '@mikro-orm/core';

import type { Application } from '../applications/application.entity.ts';
import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { EDITABLE_STATES } from '../evidence/edit-lock.ts';
import { withMappings } from '../evidence/evidence-reads.ts';
import { readRevisions } from '../evidence/evidence-revisions.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { isUuid } from '../ids.ts';
import type { StandardRegistry } from '../standards/standard-registry.ts';
import { stateInWords } from './page-templates.ts';
import type { FieldError } from './staff-access.ts';
import { kindWords } from './staff-words.ts';

/** Form state for the evidence page after a rejected post: the values sent and the fields at fault. */
export type EvidenceFormState = { errors?: FieldError[]; values?: Record<string, string>; message?: unknown };

/** Finds a live evidence item of the application, or raises 404 for an unknown, foreign or deleted id. */
export async function findLiveEvidence(em: EntityManager, applicationId: string, evidenceId: string) {
  const item = isUuid(evidenceId) ? await em.findOne(EvidenceSchema, { id: evidenceId, application: applicationId, deletedAt: null }) : null;
  if (item === null) throw AppError.notFound('evidence item', evidenceId);
  return item;
}

/**
 * Builds the page of one evidence item: the edit form for its kind, the elements
 * it supports, its revisions, and the delete form. `from` is the element page
 * the person came from, so that saving returns them there.
 */
export async function buildEvidenceView(em: EntityManager, standards: StandardRegistry, application: Application, evidenceId: string, from: string | null, form: EvidenceFormState = {}) {
  const standard = standardOf(standards, application);
  const [item] = await withMappings(em, [await findLiveEvidence(em, application.id, evidenceId)]);
  const revisions = await readRevisions(em, item.id);
  const values = form.values ?? {};
  const backCode = from !== null && standard.hasElement(from) ? from : (item.elements[0]?.code ?? null);

  return {
    application: { id: application.id, standardTitle: standard.title, state: stateInWords(application.state) },
    editable: (EDITABLE_STATES as readonly string[]).includes(application.state),
    item: {
      id: item.id,
      title: values.title ?? item.title,
      kind: kindWords(item.kind),
      isNote: item.kind === 'note',
      isLink: item.kind === 'link',
      isFile: item.kind === 'file',
      body: values.body ?? item.body ?? '',
      url: values.url ?? item.url ?? '',
      fileName: item.fileName,
      fileHref: item.kind === 'file' ? `/applications/${application.id}/evidence/${item.id}/file` : null,
      revision: item.revision,
    },
    elements: item.elements.map((mapping) => ({ code: mapping.code, title: standard.element(mapping.code)?.title ?? mapping.code, note: mapping.note })),
    revisions: revisions.reverse().map((revision) => ({ ...revision, elementCodes: revision.elements.map((mapping) => mapping.code).join(', ') })),
    from: backCode,
    backHref: backCode === null ? `/applications/${application.id}` : `/applications/${application.id}/elements/${backCode}`,
    values,
    errors: form.errors ?? [],
    hasErrors: (form.errors ?? []).length > 0,
    ...(form.message === undefined ? {} : { message: form.message }),
  };
}
