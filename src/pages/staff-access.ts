import type { Context, MiddlewareHandler } from 'hono';

import { actingRoles } from '../applications/access.ts';
import { ApplicationSchema } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { checkFormPost } from './csrf.ts';
import { pageBase } from './page-session.ts';
import { renderPage } from './page-templates.ts';
import { doneMessage } from './staff-words.ts';

/** A form field the page marks as wrong, with the sentence the error summary links to it. */
export type FieldError = { field: string; text: string };

/**
 * Loads the application named by `:id` for a staff page. It is 404 unless the
 * person acts on it as staff of the applying library, so a mentor or the quality
 * group cannot reach the staff pages of another library's application.
 */
export const loadStaffApplication: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.param('id') ?? '';
  const application = isUuid(id) ? await c.get('em').findOne(ApplicationSchema, { id }) : null;
  if (application === null || !actingRoles(c.get('person'), application).has('library_staff')) throw AppError.notFound('application', id);
  c.set('application', application);
  await next();
};

/** Reads a URL-encoded form and rejects (403) a post without this session's CSRF token or from another site. */
export async function readCheckedForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  checkFormPost(c, body._csrf, c.get('pageSession').csrfToken);
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
  return form;
}

/**
 * Renders a staff page with the common context. Unless the view sets a message,
 * the success message comes from the `done` query key.
 */
export function showStaffPage(c: Context<AppEnv>, template: string, title: string, view: Record<string, unknown>, status = 200): Response {
  const message = (view.message as { kind: 'error' | 'success'; text: string } | null | undefined) ?? doneMessage(c.req.query('done'));
  const fieldErrors = (view.errors as FieldError[] | undefined) ?? [];
  if (fieldErrors.length > 0) c.get('log').info({ status, path: c.req.path, fields: fieldErrors.map((error) => error.field) }, 'staff form rejected');
  const html = renderPage(template, { ...pageBase(c, title), ...view, message });
  return c.html(html, status as 200);
}

/**
 * Runs a form's action and redirects (303) to the path it returns. A domain
 * error shows the page again through `reshow`, with the error's status.
 */
export async function actThenRedirect(c: Context<AppEnv>, action: () => Promise<string>, reshow: (error: AppError) => Promise<Response>): Promise<Response> {
  let location: string;
  try {
    location = await action();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    c.get('log').info({ code: error.code, status: error.status, path: c.req.path }, 'staff form rejected');
    return reshow(error);
  }
  return c.redirect(location, 303);
}

/** Converts a domain error to the message a page shows. */
export function errorMessage(error: AppError): { kind: 'error'; text: string } {
  return { kind: 'error', text: error.detail };
}
