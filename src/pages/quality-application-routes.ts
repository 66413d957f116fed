import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { actingRoles } from '../applications/access.ts';
import { ApplicationSchema, type Application } from '../applications/application.entity.ts';
import type { EventRequest } from '../applications/event-schemas.ts';
import { sendEvent } from '../applications/send-event.ts';
import { standardOf } from '../applications/standard-of.ts';
import { SubmissionSchema } from '../applications/submission.entity.ts';
import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { PersonSchema } from '../people/person.entity.ts';
import { PortfolioRenderSchema } from '../portfolio/portfolio-render.entity.ts';
import { pageBase, requireSignIn } from './page-session.ts';
import { renderPage, stateInWords } from './page-templates.ts';
import { ratingFieldId, readAssignForm, readDueDateForm, readOutcomeForm, readReleaseForm, readWithdrawForm, type ParsedForm } from './quality-application-forms.ts';
import { buildQualityApplicationView } from './quality-application-view.ts';
import { moveReviewDueDate } from '../review/review-due-date.ts';
import { notDone, qualityDoneMessage, refusedInState, type QualityDoneKey, type QualityStep } from './quality-words.ts';
import { readCheckedForm, type FieldError } from './staff-access.ts';

/** The forms of the application page; each keeps its own posted values when the page shows it again. */
type FormName = 'assign' | 'release' | 'due' | 'outcome' | 'withdraw';

/** A rejected post's error summary, the error shown beside its form, and the values to fill in again. */
type Rejection = { form: FormName; errors: FieldError[]; formError: string | null; values: Record<string, string> };

// The section that the error summary links to for a rejection that is not about one field.
const SECTION_OF: Record<FormName, string> = { assign: 'mentor', release: 'mentor', due: 'review-due', outcome: 'outcome', withdraw: 'withdraw' };

export function applicationPath(id: string): string {
  return `/dashboard/applications/${id}`;
}

/**
 * Loads the application in the `id` path parameter for the quality group, who
 * may see every application. An unknown or malformed id is the 404 page.
 */
async function loadApplication(c: Context<AppEnv>): Promise<Application> {
  const id = c.req.param('id') ?? '';
  const application = isUuid(id) ? await c.get('em').findOne(ApplicationSchema, { id }) : null;
  if (application === null || !actingRoles(c.get('person'), application).has('quality_group')) throw AppError.notFound('application', id);
  return application;
}

/** Builds the quality group's page of one application, its forms for the lifecycle steps, and its downloads. */
export function qualityApplicationPages(deps: AppDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  const quality = requireSignIn('quality_group');
  // The outcome form carries one rating per element, a few kilobytes for CSE, so 64 KiB leaves room for larger standards.
  const limitForm = bodyLimit({ maxSize: 65_536, onError: () => { throw new AppError('payload_too_large', 'The form is larger than 64 KiB. Shorten the reason and send it again.'); } });

  const eventDeps = (c: Context<AppEnv>) => ({ em: c.get('em').fork({ clear: true }), standards: deps.standards, log: c.get('log'), config: deps.config, jobs: deps.jobs });

  const show = async (c: Context<AppEnv>, application: Application, rejection: Rejection | null, status: ContentfulStatusCode) => {
    // A failed change may leave entities in the request's entity manager, so the page reads through a clean fork.
    const em = c.get('em').fork({ clear: true });
    const fresh = (await em.findOne(ApplicationSchema, { id: application.id })) ?? application;
    const view = await buildQualityApplicationView(em, deps.standards, deps.config.mentorDefaultCapacity, fresh, c.get('person'), new Date());

    const values = (form: FormName) => (rejection?.form === form ? rejection.values : {});
    const outcomeValues = values('outcome');
    const context = {
      ...pageBase(c, `${view.application.libraryName}: ${view.application.standardTitle}`),
      message: rejection === null ? qualityDoneMessage(c.req.query('done')) : null,
      ...view,
      assign: { ...view.assign, values: values('assign'), error: rejection?.form === 'assign' ? rejection.formError : null, rejected: rejection?.form === 'assign' },
      release: { ...view.release, values: values('release'), error: rejection?.form === 'release' ? rejection.formError : null },
      due: { ...view.due, value: values('due').dueDate ?? view.review?.dueDay ?? '', error: rejection?.form === 'due' ? rejection.formError : null },
      outcome: {
        ...view.outcome,
        values: outcomeValues,
        error: rejection?.form === 'outcome' ? rejection.formError : null,
        elements: view.outcome.elements.map((element) => ({ ...element, fieldId: ratingFieldId(element.code), chosen: outcomeValues[`rating-${element.code}`] ?? '' })),
      },
      withdraw: { ...view.withdraw, values: values('withdraw'), error: rejection?.form === 'withdraw' ? rejection.formError : null, rejected: rejection?.form === 'withdraw' },
      errors: rejection?.errors ?? [],
      fieldErrors: Object.fromEntries((rejection?.errors ?? []).map((error) => [error.field, error.text])),
    };
    return c.html(renderPage('quality-application', context), status);
  };

  /** Explains a rejected step in the page's words: the state in words for a step the state rejects, otherwise the service's own reason. */
  const explain = async (c: Context<AppEnv>, step: QualityStep, error: AppError, request: EventRequest): Promise<string> => {
    if (error.code === 'event_not_allowed') return refusedInState(step, stateInWords(String(error.extra.state ?? '')));
    let detail = error.detail;
    // The machine names a mentor by id, and the page shows the name the reader chose from the list.
    if (request.type === 'mentor.assign') {
      const mentor = await c.get('em').fork().findOne(PersonSchema, { id: request.mentorId });
      if (mentor !== null) detail = detail.replaceAll(request.mentorId, mentor.name);
    }
    return `${notDone(step)}. ${detail}`;
  };

  /** Sends one lifecycle event from a form, then redirects (303) to the page with `done`, or shows the page again with what to correct. */
  const postStep = <T extends EventRequest>(form: FormName, step: QualityStep, parse: (fields: Record<string, string>, application: Application) => ParsedForm<T>, done: QualityDoneKey) =>
    async (c: Context<AppEnv>) => {
      const application = await loadApplication(c);
      const fields = await readCheckedForm(c);
      const parsed = parse(fields, application);
      if (!parsed.ok) {
        c.get('log').info({ applicationId: application.id, form, fields: parsed.errors.map((error) => error.field) }, 'quality form rejected');
        return show(c, application, { form, errors: parsed.errors, formError: null, values: fields }, 422);
      }

      try {
        await sendEvent(eventDeps(c), application.id, c.get('person'), parsed.value);
      } catch (error) {
        if (!(error instanceof AppError) || error.status === 403 || error.status === 404) throw error;
        c.get('log').info({ applicationId: application.id, event: step, code: error.code }, 'quality step rejected');
        const text = await explain(c, step, error, parsed.value);
        const field = step === 'outcome.record' && error.code === 'guard_refused' ? 'outcome-default-rating' : SECTION_OF[form];
        return show(c, application, { form, errors: [{ field, text }], formError: text, values: fields }, error.status as ContentfulStatusCode);
      }
      return c.redirect(`${applicationPath(application.id)}?done=${done}`, 303);
    };

  router.get('/dashboard/applications/:id', quality, async (c) => show(c, await loadApplication(c), null, 200));

  router.post('/dashboard/applications/:id/mentor', quality, limitForm, postStep('assign', 'mentor.assign', readAssignForm, 'mentor-assigned'));
  router.post('/dashboard/applications/:id/mentor/release', quality, limitForm, postStep('release', 'mentor.release', readReleaseForm, 'mentor-released'));
  router.post('/dashboard/applications/:id/outcome', quality, limitForm, postStep('outcome', 'outcome.record', (fields, application) => readOutcomeForm(fields, standardOf(deps.standards, application)), 'outcome-recorded'));
  router.post('/dashboard/applications/:id/withdraw', quality, limitForm, postStep('withdraw', 'withdraw', readWithdrawForm, 'withdrawn'));

  router.post('/dashboard/applications/:id/review-due', quality, limitForm, async (c) => {
    const application = await loadApplication(c);
    const fields = await readCheckedForm(c);
    const parsed = readDueDateForm(fields);
    if (!parsed.ok) return show(c, application, { form: 'due', errors: parsed.errors, formError: null, values: fields }, 422);

    try {
      const round = await moveReviewDueDate(c.get('em').fork({ clear: true }), application.id, parsed.value);
      c.get('log').info({ applicationId: application.id, round: round.number, dueAt: round.dueAt.toISOString() }, 'review due date moved from the quality page');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const text = `The due date was not changed. ${error.detail}`;
      return show(c, application, { form: 'due', errors: [{ field: SECTION_OF.due, text }], formError: text, values: fields }, error.status as ContentfulStatusCode);
    }
    return c.redirect(`${applicationPath(application.id)}?done=due-date-moved`, 303);
  });

  // The API's downloads take a bearer token only, so the page serves the same bytes to a signed-in member of the quality group.
  router.get('/dashboard/applications/:id/portfolio/:file', quality, async (c) => {
    const application = await loadApplication(c);
    const renderId = /^(.+)\.pdf$/.exec(c.req.param('file'))?.[1] ?? '';
    const render = isUuid(renderId) ? await c.get('em').findOne(PortfolioRenderSchema, { id: renderId, application: application.id }) : null;
    if (render === null) throw AppError.notFound('portfolio render', renderId);
    if (render.status !== 'ready' || render.sha256 == null) throw new AppError('conflict', `This portfolio is ${render.status}, so it has no PDF yet. Reload the application page until it is ready.`);

    const bytes = await deps.contentStore.get(c.get('em'), render.sha256);
    if (bytes === null) {
      c.get('log').error({ renderId, sha256: render.sha256 }, 'stored portfolio PDF is missing');
      throw new AppError('not_found', 'The PDF of this portfolio is missing from the store. Ask the library to request a new draft portfolio.');
    }
    const name = `portfolio-${render.kind}-${render.createdAt.toISOString().slice(0, 10)}.pdf`;
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"`, 'x-content-type-options': 'nosniff' });
  });

  router.get('/dashboard/applications/:id/submissions/:file', quality, async (c) => {
    const application = await loadApplication(c);
    const submissionId = /^(.+)\.json$/.exec(c.req.param('file'))?.[1] ?? '';
    const submission = isUuid(submissionId) ? await c.get('em').findOne(SubmissionSchema, { id: submissionId, application: application.id }) : null;
    if (submission === null) throw AppError.notFound('submission', submissionId);

    const body = { id: submission.id, eventSequence: submission.eventSequence, submittedAt: submission.submittedAt.toISOString(), record: submission.record };
    const name = `submission-${submission.submittedAt.toISOString().slice(0, 10)}.json`;
    return c.body(JSON.stringify(body, null, 2), 200, { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
  });

  return router;
}
