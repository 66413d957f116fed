import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { Application } from '../applications/application.entity.ts';
import { sendEvent } from '../applications/send-event.ts';
import { standardOf } from '../applications/standard-of.ts';
import { AppError } from '../errors.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { contentDisposition } from '../evidence/files/file-name.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { addComment, setResolved } from '../review/review-comments.ts';
import { putVerdicts } from '../review/verdict-writes.ts';
import { describeElement, type VerdictDraft } from './mentor-element-view.ts';
import { checkVerdictForm, commentField, doneMessage, limitFormBody, loadAssignment, readCheckedForm, verdictField, type DoneKey } from './mentor-forms.ts';
import { describeAssignment, elementPath, listAssignments, refusalInWords } from './mentor-views.ts';
import { pageBase, requireSignIn } from './page-session.ts';
import { renderPage, type PageContext } from './page-templates.ts';
import type { FieldError } from './staff-access.ts';

type Message = PageContext['message'];

// The decision section sits below a long table, so the top of the page points to the reason shown there.
const DECISION_NOT_RECORDED: Message = { kind: 'error', text: 'Your decision was not recorded. The reason is shown in the “Your decision” section, above its buttons.' };

/** Builds the peer mentor's pages: their assignments, each assignment's open round, and one page per element with the verdict form and comments. */
export function mentorPages(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const mentorOnly = requireSignIn('mentor');

  const eventDeps = (c: Context<AppEnv>) => ({ em: c.get('em').fork({ clear: true }), standards: deps.standards, log: c.get('log'), config: deps.config, jobs: deps.jobs });

  const showAssignment = async (c: Context<AppEnv>, application: Application, message: Message, status: ContentfulStatusCode, decision: { error: string; comment: string } | null = null) => {
    // A failed change may leave entities in the request's entity manager, so the page reads through a clean fork.
    const view = await describeAssignment(c.get('em').fork({ clear: true }), deps.standards, application, c.get('person'), new Date());
    const title = `Review of ${view.header.libraryName}`;
    return c.html(renderPage('mentor-assignment', { ...pageBase(c, title), message, ...view, decisionError: decision?.error ?? null, changesComment: decision?.comment ?? '' }), status);
  };

  const showElement = async (c: Context<AppEnv>, application: Application, code: string, message: Message, status: ContentfulStatusCode, draft: VerdictDraft | null = null, commentDraft = '', errors: FieldError[] = []) => {
    const view = await describeElement(c.get('em').fork({ clear: true }), deps.standards, application, c.get('person'), code, draft, new Date());
    const title = `Element ${view.element.code}: ${view.element.title}`;
    const fieldErrors = Object.fromEntries(errors.map((error) => [error.field, error.text]));
    return c.html(renderPage('mentor-element', { ...pageBase(c, title), message, ...view, commentDraft, errors, fieldErrors }), status);
  };

  /** Runs a domain change and redirects with `done`. A domain error re-shows the page with its detail and status, but 403 and 404 go to the error page. */
  const attempt = async (c: Context<AppEnv>, action: () => Promise<unknown>, done: DoneKey, back: string, reshow: (message: Message, status: ContentfulStatusCode) => Promise<Response>) => {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 403 || error.status === 404) throw error;
      c.get('log').info({ code: error.code, path: c.req.path }, 'mentor form rejected');
      return reshow({ kind: 'error', text: error.detail }, error.status as ContentfulStatusCode);
    }
    return c.redirect(`${back}?done=${done}`, 303);
  };

  router.get('/assignments', mentorOnly, async (c) => {
    const assignments = await listAssignments(c.get('em'), deps.standards, c.get('person'), new Date());
    return c.html(renderPage('mentor-assignments', { ...pageBase(c, 'Your assignments'), message: doneMessage(c), assignments }));
  });

  router.get('/assignments/:id', mentorOnly, async (c) => showAssignment(c, await loadAssignment(c), doneMessage(c), 200));

  router.post('/assignments/:id/request-changes', mentorOnly, limitFormBody, async (c) => {
    const application = await loadAssignment(c);
    const form = await readCheckedForm(c);
    const comment = form.comment ?? '';
    return attempt(
      c,
      async () => sendEvent(eventDeps(c), application.id, c.get('person'), { type: 'review.requestChanges', comment: commentField(form, 'comment') }),
      'changes-requested',
      `/assignments/${application.id}`,
      (message, status) => showAssignment(c, application, DECISION_NOT_RECORDED, status, { error: refusalInWords(message?.text ?? ''), comment }),
    );
  });

  router.post('/assignments/:id/approve', mentorOnly, limitFormBody, async (c) => {
    const application = await loadAssignment(c);
    await readCheckedForm(c);
    return attempt(
      c,
      async () => sendEvent(eventDeps(c), application.id, c.get('person'), { type: 'review.approve' }),
      'approved',
      `/assignments/${application.id}`,
      (message, status) => showAssignment(c, application, DECISION_NOT_RECORDED, status, { error: refusalInWords(message?.text ?? ''), comment: '' }),
    );
  });

  router.get('/assignments/:id/elements/:code', mentorOnly, async (c) => showElement(c, await loadAssignment(c), c.req.param('code'), doneMessage(c), 200));

  router.post('/assignments/:id/elements/:code/verdict', mentorOnly, limitFormBody, async (c) => {
    const application = await loadAssignment(c);
    const code = c.req.param('code');
    const form = await readCheckedForm(c);
    const draft = { verdict: form.verdict ?? '', comment: form.comment ?? '', suggestedRating: form.suggestedRating ?? '' };
    const errors = checkVerdictForm(form);
    if (errors.length > 0) {
      c.get('log').info({ applicationId: application.id, elementCode: code, fields: errors.map((error) => error.field) }, 'mentor verdict form rejected');
      return showElement(c, application, code, null, 422, draft, '', errors);
    }

    return attempt(
      c,
      async () => {
        const input = { code, verdict: verdictField(form), comment: commentField(form, 'comment'), suggestedRating: draft.suggestedRating === '' ? null : draft.suggestedRating };
        await putVerdicts(c.get('em').fork({ clear: true }), application.id, c.get('person').id, standardOf(deps.standards, application), [input]);
        c.get('log').info({ applicationId: application.id, elementCode: code, verdict: input.verdict }, 'verdict saved from the mentor page');
      },
      'verdict-saved',
      elementPath(application.id, code),
      (message, status) => showElement(c, application, code, message, status, draft),
    );
  });

  router.post('/assignments/:id/elements/:code/comments', mentorOnly, limitFormBody, async (c) => {
    const application = await loadAssignment(c);
    const code = c.req.param('code');
    const form = await readCheckedForm(c);
    const parentId = form.parentId === undefined || form.parentId === '' ? null : form.parentId;
    return attempt(
      c,
      async () => {
        const comment = await addComment(c.get('em'), application.id, standardOf(deps.standards, application), c.get('person').id, { elementCode: code, body: commentField(form, 'body'), parentId });
        c.get('log').info({ applicationId: application.id, commentId: comment.id, elementCode: code, parentId }, 'review comment added from the mentor page');
      },
      'comment-added',
      elementPath(application.id, code),
      (message, status) => showElement(c, application, code, message, status, null, parentId === null ? (form.body ?? '') : ''),
    );
  });

  router.post('/assignments/:id/elements/:code/comments/:commentId/resolve', mentorOnly, limitFormBody, async (c) => {
    const application = await loadAssignment(c);
    const code = c.req.param('code');
    const form = await readCheckedForm(c);
    const resolved = form.resolved !== 'false';
    return attempt(
      c,
      async () => {
        const comment = await setResolved(c.get('em'), application.id, c.req.param('commentId'), resolved, c.get('person').id);
        c.get('log').info({ applicationId: application.id, commentId: comment.id, resolved }, resolved ? 'review comment resolved from the mentor page' : 'review comment reopened from the mentor page');
      },
      resolved ? 'comment-resolved' : 'comment-reopened',
      elementPath(application.id, code),
      (message, status) => showElement(c, application, code, message, status),
    );
  });

  router.get('/assignments/:id/evidence/:evidenceId/file', mentorOnly, async (c) => {
    const application = await loadAssignment(c);
    const evidenceId = c.req.param('evidenceId');
    const evidence = isUuid(evidenceId) ? await c.get('em').findOne(EvidenceSchema, { id: evidenceId, application: application.id, deletedAt: null }) : null;
    if (evidence === null || evidence.kind !== 'file' || evidence.sha256 == null) throw new AppError('not_found', `Application ${application.id} has no evidence file with id "${evidenceId}". Go back to the element page and follow its link.`);

    const bytes = await deps.contentStore.get(c.get('em'), evidence.sha256);
    if (bytes === null) {
      c.get('log').error({ evidenceId: evidence.id, sha256: evidence.sha256 }, 'stored content is missing for an evidence file');
      throw new AppError('not_found', `The file of evidence item “${evidence.title}” is missing from the store. Ask the library to upload it again.`);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': evidence.mediaType ?? 'application/octet-stream',
      'content-disposition': contentDisposition(evidence.fileName ?? 'file'),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  });

  return router;
}
