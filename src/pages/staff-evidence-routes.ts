import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { deleteEvidence, updateEvidence, type EvidencePatch } from '../evidence/evidence-writes.ts';
import { readMultipart } from '../evidence/uploads/read-multipart.ts';
import { replaceEvidenceFile } from '../evidence/uploads/replace-file.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { checkFormPost } from './csrf.ts';
import { requireSignIn } from './page-session.ts';
import { actThenRedirect, errorMessage, loadStaffApplication, readCheckedForm, showStaffPage, type FieldError } from './staff-access.ts';
import { buildEvidenceView, findLiveEvidence, type EvidenceFormState } from './staff-evidence-view.ts';

const isWebAddress = (url: string) => URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol);

/** Checks the edit form of an item of `kind` and returns the change to make, or the fields at fault. */
function readEditForm(kind: string, form: Record<string, string>): { errors: FieldError[]; patch: EvidencePatch } {
  const errors: FieldError[] = [];
  const title = form.title?.trim() ?? '';
  const body = form.body?.trim() ?? '';
  const url = form.url?.trim() ?? '';
  if (title === '') errors.push({ field: 'evidence-title', text: 'Enter a title for the evidence.' });
  if (title.length > 500) errors.push({ field: 'evidence-title', text: 'Shorten the title to 500 characters or fewer.' });
  if (kind === 'note' && body === '') errors.push({ field: 'evidence-body', text: 'Enter the text of the note.' });
  if (kind === 'link' && !isWebAddress(url)) errors.push({ field: 'evidence-url', text: 'Enter the link as a full web address starting with https:// or http://.' });

  if (kind === 'file') return { errors, patch: { title } };
  if (kind === 'link') return { errors, patch: { title, url, body: body === '' ? null : body } };
  return { errors, patch: { title, body } };
}

/** Builds the page of one evidence item, where staff edit it, give a file item a new file, or delete it. */
export function staffEvidencePages(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const staff = requireSignIn('library_staff');
  const limitForm = bodyLimit({ maxSize: deps.config.jsonMaxBytes, onError: () => { throw new AppError('payload_too_large', 'The form is too large. Shorten the text and send it again.'); } });
  const path = '/applications/:id/evidence/:evidenceId';

  const evidenceId = (c: Context<AppEnv>) => c.req.param('evidenceId') ?? '';
  const from = (c: Context<AppEnv>, form?: Record<string, string>) => form?.from ?? c.req.query('from') ?? null;
  const show = async (c: Context<AppEnv>, form: EvidenceFormState = {}, status = 200, fromCode: string | null = from(c)) => {
    const view = await buildEvidenceView(c.get('em').fork(), deps.standards, c.get('application'), evidenceId(c), fromCode, form);
    return showStaffPage(c, 'staff-evidence', `Evidence: ${view.item.title}`, view, status);
  };
  const pagePath = (c: Context<AppEnv>, fromCode: string | null) =>
    `/applications/${c.get('application').id}/evidence/${evidenceId(c)}${fromCode === null ? '' : `?from=${encodeURIComponent(fromCode)}`}`;

  router.get(path, staff, loadStaffApplication, (c) => show(c));

  router.post(path, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const item = await findLiveEvidence(c.get('em'), c.get('application').id, evidenceId(c));
    const { errors, patch } = readEditForm(item.kind, form);
    if (errors.length > 0) return show(c, { errors, values: form }, 422, from(c, form));

    return actThenRedirect(
      c,
      async () => {
        const application = c.get('application');
        const updated = await updateEvidence(c.get('em'), application.id, item.id, c.get('person').id, standardOf(deps.standards, application), patch);
        c.get('log').info({ applicationId: application.id, evidenceId: item.id, revision: updated.revision }, 'evidence edited');
        const target = pagePath(c, from(c, form));
        return `${target}${target.includes('?') ? '&' : '?'}done=evidence-updated`;
      },
      (error) => show(c, { message: errorMessage(error), values: form }, error.status, from(c, form)),
    );
  });

  router.post(`${path}/file`, staff, loadStaffApplication, async (c) => {
    const body = await readMultipart(c.req.raw, { fileMaxBytes: deps.config.uploadMaxBytes, maxFiles: 1 });
    checkFormPost(c, body.fields.get('_csrf'), c.get('pageSession').csrfToken);
    const fromCode = body.fields.get('from') ?? null;

    // A browser sends an empty part with no file name when no file was chosen.
    const [part] = body.files.filter((file) => !(file.fileName === '' && file.bytes.byteLength === 0));
    if (part === undefined) return show(c, { errors: [{ field: 'replace-file', text: 'Choose the new file.' }] }, 422, fromCode);

    return actThenRedirect(
      c,
      async () => {
        const application = c.get('application');
        const uploadDeps = { em: c.get('em'), contentStore: deps.contentStore, config: deps.config };
        const updated = await replaceEvidenceFile(uploadDeps, application.id, evidenceId(c), c.get('person').id, standardOf(deps.standards, application), part);
        c.get('log').info({ applicationId: application.id, evidenceId: updated.id, revision: updated.revision }, 'evidence file replaced');
        const target = pagePath(c, fromCode);
        return `${target}${target.includes('?') ? '&' : '?'}done=file-replaced`;
      },
      (error) => show(c, { message: errorMessage(error) }, error.status, fromCode),
    );
  });

  router.post(`${path}/delete`, staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    if (form.confirm !== 'yes') return show(c, { errors: [{ field: 'delete-confirm', text: 'Tick the box to confirm that you want to delete this evidence.' }] }, 422, from(c, form));

    return actThenRedirect(
      c,
      async () => {
        const application = c.get('application');
        await deleteEvidence(c.get('em'), application.id, evidenceId(c), c.get('person').id);
        c.get('log').info({ applicationId: application.id, evidenceId: evidenceId(c) }, 'evidence deleted');
        const fromCode = from(c, form);
        const back = fromCode !== null && standardOf(deps.standards, application).hasElement(fromCode) ? `/elements/${encodeURIComponent(fromCode)}` : '';
        return `/applications/${application.id}${back}?done=evidence-deleted${back === '' ? '' : '#evidence'}`;
      },
      (error) => show(c, { message: errorMessage(error) }, error.status, from(c, form)),
    );
  });

  return router;
}
