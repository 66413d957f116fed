import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { CYCLES, type Cycle } from '../applications/application.entity.ts';
import { createApplication } from '../applications/create-application.ts';
import { EventRequestSchema } from '../applications/event-schemas.ts';
import { sendEvent } from '../applications/send-event.ts';
import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { PortfolioRenderSchema } from '../portfolio/portfolio-render.entity.ts';
import { queueRender } from '../portfolio/render-portfolio.ts';
import { requireSignIn } from './page-session.ts';
import { actThenRedirect, errorMessage, loadStaffApplication, readCheckedForm, showStaffPage, type FieldError } from './staff-access.ts';
import { buildApplicationView } from './staff-application-view.ts';
import { buildApplicationsView } from './staff-list-view.ts';

// The events staff send from these pages; the others belong to the mentor and the quality group.
const STAFF_EVENTS = new Set(['start', 'review.request', 'submit', 'reopen', 'withdraw']);

/** Builds the staff pages of the application list and of one application, with their forms. */
export function staffApplicationPages(deps: AppDeps) {
  const router = new Hono<AppEnv>();
  const staff = requireSignIn('library_staff');
  const limitForm = bodyLimit({ maxSize: deps.config.jsonMaxBytes, onError: () => { throw new AppError('payload_too_large', 'The form is too large. Shorten the text and send it again.'); } });

  const showList = async (c: Context<AppEnv>, extra: { message?: unknown; errors?: FieldError[]; values?: Record<string, string> } = {}, status = 200) => {
    const view = await buildApplicationsView(c.get('em').fork(), deps.standards, c.get('person'), c.get('log'));
    return showStaffPage(c, 'staff-applications', 'Your applications', { ...view, ...extra }, status);
  };
  const showApplication = async (c: Context<AppEnv>, extra: { message?: unknown } = {}, status = 200) => {
    const onlyMissing = c.req.query('show') === 'missing';
    const view = await buildApplicationView(c.get('em').fork(), deps.standards, c.get('application'), c.get('person'), onlyMissing);
    return showStaffPage(c, 'staff-application', `${view.application.standardTitle}: ${view.application.state}`, { ...view, ...extra }, status);
  };

  router.get('/applications', staff, (c) => showList(c));

  router.post('/applications', staff, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const errors: FieldError[] = [];
    if (!deps.standards.latest(form.standardId ?? '')) errors.push({ field: 'new-standard', text: 'Choose the standard to apply for.' });
    if (!(CYCLES as readonly string[]).includes(form.cycle ?? '')) errors.push({ field: 'new-cycle-initial', text: 'Choose the kind of assessment.' });
    if (errors.length > 0) return showList(c, { errors, values: form }, 422);

    const person = c.get('person');
    return actThenRedirect(
      c,
      async () => {
        const application = await createApplication(c.get('em'), deps.standards, person, { libraryId: person.library ?? '', standardId: form.standardId, cycle: form.cycle as Cycle });
        c.get('log').info({ applicationId: application.id, libraryId: application.library }, 'application created');
        return `/applications/${application.id}?done=created`;
      },
      (error) => showList(c, { message: errorMessage(error), values: form }, error.status),
    );
  });

  router.post('/applications/:id/events', staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const application = c.get('application');
    const back = form.back === 'application' ? `/applications/${application.id}` : '/applications';
    const reshow = (error: AppError) => (form.back === 'application' ? showApplication(c, { message: errorMessage(error) }, error.status) : showList(c, { message: errorMessage(error) }, error.status));

    const reason = form.reason?.trim() ?? '';
    const parsed = EventRequestSchema.safeParse(form.type === 'withdraw' && reason !== '' ? { type: 'withdraw', reason } : { type: form.type });
    if (!parsed.success || !STAFF_EVENTS.has(parsed.data.type)) {
      return reshow(AppError.invalid(`"${form.type ?? ''}" is not an action staff can take here. Use one of the buttons on the page.`));
    }

    return actThenRedirect(
      c,
      async () => {
        const eventDeps = { em: c.get('em').fork({ clear: true }), standards: deps.standards, log: c.get('log'), config: deps.config, jobs: deps.jobs };
        await sendEvent(eventDeps, application.id, c.get('person'), parsed.data);
        return `${back}?done=event-${parsed.data.type}`;
      },
      reshow,
    );
  });

  router.get('/applications/:id', staff, loadStaffApplication, (c) => showApplication(c));

  router.post('/applications/:id/portfolio', staff, loadStaffApplication, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const application = c.get('application');
    return actThenRedirect(
      c,
      async () => {
        const render = await c.get('em').transactional((tx) =>
          queueRender(tx, deps.jobs, { applicationId: application.id, kind: 'draft', submissionId: null, includeAppendices: form.appendices === 'yes', requestedBy: c.get('person').id }),
        );
        c.get('log').info({ applicationId: application.id, renderId: render.id }, 'draft portfolio render queued');
        return `/applications/${application.id}?done=render-requested#portfolio`;
      },
      (error) => showApplication(c, { message: errorMessage(error) }, error.status),
    );
  });

  // The API's PDF route takes a bearer token only, so the page serves the same bytes to a signed-in member of staff.
  router.get('/applications/:id/portfolio/:file', staff, loadStaffApplication, async (c) => {
    const renderId = /^(.+)\.pdf$/.exec(c.req.param('file'))?.[1] ?? '';
    const render = isUuid(renderId) ? await c.get('em').findOne(PortfolioRenderSchema, { id: renderId, application: c.get('application').id }) : null;
    if (render === null) throw AppError.notFound('portfolio render', renderId);
    if (render.status !== 'ready' || render.sha256 == null) throw new AppError('conflict', `This portfolio is ${render.status}, so it has no PDF yet. Reload the application page until it is ready.`);

    const bytes = await deps.contentStore.get(c.get('em'), render.sha256);
    if (bytes === null) {
      c.get('log').error({ renderId, sha256: render.sha256 }, 'stored portfolio PDF is missing');
      throw new AppError('not_found', 'The PDF of this portfolio is missing from the store. Request a new draft portfolio.');
    }
    const name = `portfolio-${render.kind}-${render.createdAt.toISOString().slice(0, 10)}.pdf`;
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"` });
  });

  return router;
}
