import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { withMappings } from '../evidence/evidence-reads.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { createEvidence, updateEvidence } from '../evidence/evidence-writes.ts';
import { contentDisposition } from '../evidence/files/file-name.ts';
import { putSelfAssessment } from '../evidence/self-assessment-writes.ts';
import { readMultipart } from '../evidence/uploads/read-multipart.ts';
import { uploadFiles } from '../evidence/uploads/upload-files.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { addComment, setResolved } from '../review/review-comments.ts';
import { checkFormPost } from './csrf.ts';
import { requireSignIn } from './page-session.ts';
import { actThenRedirect, errorMessage, loadStaffApplication, readCheckedForm, showStaffPage, type FieldError } from './staff-access.ts';
import { buildElementView, type ElementFormState } from './staff-element-view.ts';

const MAX_FILES_PER_UPLOAD = 20;

/** Checks the note-or-link form: it needs a title, and a text, a link or both. A link must be an http or https URL. */
function checkEvidenceForm(form: Record<string, string>): FieldError[] {
  const errors: FieldError[] = [];
  const title = form.title?.trim() ?? '';
  const url = form.url?.trim() ?? '';
  if (title === '') errors.push({ field: 'evidence-title', text: 'Enter a title for the evidence.' });
  if (title.length > 500) errors.push({ field: 'evidence-title', text: 'Shorten the title to 500 characters or fewer.' });
  if (url !== '' && !(URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol))) {
    errors.push({ field: 'evidence-url', text: 'Enter the link as a full web address starting with https:// or http://.' });
  }
  if (url === '' && (form.body?.trim() ?? '') === '') errors.push({ field: 'evidence-body', text: 'Enter the text of the note, or a link.' });
  return errors;
}

/** Builds the page of one element and its forms: self-rating, notes and links, uploads, mapping and review replies. */
export function staffElementPages(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const staff = requireSignIn('library_staff');
  const limitForm = bodyLimit({ maxSize: deps.config.jsonMaxBytes, onError: () => { throw new AppError('payload_too_large', 'The form is too large. Shorten the text and send it again.'); } });
  const path = '/applications/:id/elements/:code';

  const showElement = async (c: Context<AppEnv>, form: ElementFormState = {}, status = 200) => {
    const view = await buildElementView(c.get('em').fork(), deps.standards, c.get('application'), c.req.param('code') ?? '', form);
    return showStaffPage(c, 'staff-element', `${view.element.code} ${view.element.title}`, view, status);
  };
  const elementPath = (c: Context<AppEnv>) => `/applications/${c.get('application').id}/elements/${encodeURIComponent(c.req.param('code') ?? '')}`;
  const standardFor = (c: Context<AppEnv>) => standardOf(deps.standards, c.get('application'));

  router.get(path, staff, loadStaffApplication, (c) => showElement(c));

  router.post(`${path}/rating`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const code = c.req.param('code');
    const firstRating = standardFor(c).ratingScale[0]?.id ?? '';
    if ((form.rating ?? '') === '') return showElement(c, { errors: [{ field: `rating-${firstRating}`, text: 'Choose a self-rating.' }], values: form }, 422);

    return actThenRedirect(
      c,
      async () => {
        await putSelfAssessment(c.get('em'), c.get('application').id, c.get('person').id, standardFor(c), { code, rating: form.rating, statement: form.statement ?? '' });
        c.get('log').info({ applicationId: c.get('application').id, elementCode: code }, 'self-rating saved');
        return `${elementPath(c)}?done=rating-saved`;
      },
      (error) => showElement(c, { message: errorMessage(error), values: form }, error.status),
    );
  });

  router.post(`${path}/evidence`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const errors = checkEvidenceForm(form);
    if (errors.length > 0) return showElement(c, { errors, values: form }, 422);

    const url = (form.url ?? '').trim();
    const body = form.body?.trim() ?? '';
    const input = url === '' ? { kind: 'note' as const, body } : { kind: 'link' as const, url, body: body === '' ? null : body };
    return actThenRedirect(
      c,
      async () => {
        const item = await createEvidence(c.get('em'), c.get('application').id, c.get('person').id, standardFor(c), { ...input, title: form.title.trim(), elements: [{ code: c.req.param('code') }] });
        c.get('log').info({ applicationId: c.get('application').id, evidenceId: item.id }, 'evidence added');
        return `${elementPath(c)}?done=evidence-added#evidence`;
      },
      (error) => showElement(c, { message: errorMessage(error), values: form }, error.status),
    );
  });

  router.post(`${path}/upload`, staff, loadStaffApplication, async (c) => {
    const body = await readMultipart(c.req.raw, { fileMaxBytes: deps.config.uploadMaxBytes, maxFiles: MAX_FILES_PER_UPLOAD });
    checkFormPost(c, body.fields.get('_csrf'), c.get('pageSession').csrfToken);

    // A browser sends an empty part with no file name when no file was chosen.
    const files = body.files.filter((part) => !(part.fileName === '' && part.bytes.byteLength === 0));
    if (files.length === 0) return showElement(c, { errors: [{ field: 'upload-file', text: 'Choose a file to upload.' }] }, 422);
    const fields = new Map([['title', body.fields.get('title') ?? ''], ['elements', c.req.param('code')]]);

    return actThenRedirect(
      c,
      async () => {
        const uploadDeps = { em: c.get('em'), contentStore: deps.contentStore, config: deps.config };
        const created = await uploadFiles(uploadDeps, c.get('application').id, c.get('person').id, standardFor(c), fields, files);
        c.get('log').info({ applicationId: c.get('application').id, evidenceIds: created.map((item) => item.id) }, 'evidence files uploaded');
        return `${elementPath(c)}?done=file-uploaded#evidence`;
      },
      (error) => showElement(c, { message: errorMessage(error) }, error.status),
    );
  });

  router.post(`${path}/map`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const application = c.get('application');
    const item = isUuid(form.evidenceId ?? '') ? await c.get('em').findOne(EvidenceSchema, { id: form.evidenceId, application: application.id, deletedAt: null }) : null;
    if (item === null) return showElement(c, { errors: [{ field: 'map-evidence', text: 'Choose an evidence item from the list.' }] }, 422);

    return actThenRedirect(
      c,
      async () => {
        const [current] = await withMappings(c.get('em'), [item]);
        const elements = [...current.elements, { code: c.req.param('code') }];
        await updateEvidence(c.get('em'), application.id, item.id, c.get('person').id, standardFor(c), { elements });
        c.get('log').info({ applicationId: application.id, evidenceId: item.id, elementCode: c.req.param('code') }, 'evidence mapped to element');
        return `${elementPath(c)}?done=evidence-mapped#evidence`;
      },
      (error) => showElement(c, { message: errorMessage(error) }, error.status),
    );
  });

  router.post(`${path}/comments`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const parentId = form.parentId === undefined || form.parentId === '' ? null : form.parentId;
    const field = parentId === null ? 'new-comment' : `reply-${parentId}`;
    if ((form.body?.trim() ?? '') === '') return showElement(c, { errors: [{ field, text: 'Write your reply before sending it.' }] }, 422);

    return actThenRedirect(
      c,
      async () => {
        const application = c.get('application');
        const comment = await addComment(c.get('em'), application.id, standardFor(c), c.get('person').id, { elementCode: c.req.param('code'), body: form.body, parentId });
        c.get('log').info({ applicationId: application.id, commentId: comment.id, parentId }, 'review comment added');
        return `${elementPath(c)}?done=comment-added#comments`;
      },
      (error) => showElement(c, { message: errorMessage(error) }, error.status),
    );
  });

  router.post(`${path}/unmap`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const application = c.get('application');
    const code = c.req.param('code');
    const item = isUuid(form.evidenceId ?? '') ? await c.get('em').findOne(EvidenceSchema, { id: form.evidenceId, application: application.id, deletedAt: null }) : null;
    if (item === null) throw AppError.notFound('evidence item', form.evidenceId ?? '');

    return actThenRedirect(
      c,
      async () => {
        const [current] = await withMappings(c.get('em'), [item]);
        const elements = current.elements.filter((mapping) => mapping.code !== code);
        await updateEvidence(c.get('em'), application.id, item.id, c.get('person').id, standardFor(c), { elements });
        c.get('log').info({ applicationId: application.id, evidenceId: item.id, elementCode: code }, 'evidence removed from element');
        return `${elementPath(c)}?done=evidence-unmapped#evidence`;
      },
      (error) => showElement(c, { message: errorMessage(error) }, error.status),
    );
  });

  router.post(`${path}/comments/:commentId/resolve`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const resolved = form.resolved !== 'false';

    return actThenRedirect(
      c,
      async () => {
        const application = c.get('application');
        const comment = await setResolved(c.get('em'), application.id, c.req.param('commentId'), resolved, c.get('person').id);
        c.get('log').info({ applicationId: application.id, commentId: comment.id, resolved }, 'review comment resolution changed');
        return `${elementPath(c)}?done=${resolved ? 'comment-resolved' : 'comment-reopened'}#comments`;
      },
      (error) => showElement(c, { message: errorMessage(error) }, error.status),
    );
  });

  // The API's file route takes a bearer token only, so the page serves the same bytes to a signed-in member of staff.
  router.get('/applications/:id/evidence/:evidenceId/file', staff, loadStaffApplication, async (c) => {
    const evidenceId = c.req.param('evidenceId');
    const item = isUuid(evidenceId) ? await c.get('em').findOne(EvidenceSchema, { id: evidenceId, application: c.get('application').id, deletedAt: null }) : null;
    if (item === null || item.kind !== 'file' || item.sha256 == null) throw AppError.notFound('evidence file', evidenceId);
    const bytes = await deps.contentStore.get(c.get('em'), item.sha256);
    if (bytes === null) {
      c.get('log').error({ evidenceId: item.id, sha256: item.sha256 }, 'stored content is missing for an evidence file');
      throw new AppError('not_found', 'The content of this file is missing from the store. Upload the file again.');
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': item.mediaType ?? 'application/octet-stream', 'content-disposition': contentDisposition(item.fileName ?? 'file') });
  });

  return router;
}
