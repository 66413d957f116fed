import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { actingRoles } from '../applications/access.ts';
import { ApplicationSchema, type Application } from '../applications/application.entity.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { VERDICTS, type Verdict } from '../review/element-review.entity.ts';
import { checkFormPost } from './csrf.ts';
import type { FieldError } from './staff-access.ts';

/** The maximum comment length in characters, the same as the API's. */
export const MAX_COMMENT_LENGTH = 10_000;

/** The sentence shown after each successful post, keyed by the `done` query value. Any other value shows nothing. */
const DONE_MESSAGES: Record<string, string> = {
  'verdict-saved': 'Your verdict is saved.',
  'comment-added': 'Your comment is added.',
  'comment-resolved': 'The comment is marked resolved.',
  'comment-reopened': 'The comment is open again.',
  'changes-requested': 'Changes are requested. The library can now work on the elements you marked needs work.',
  approved: 'The review is approved. The library can now submit its application to the assessor.',
};

export type DoneKey = keyof typeof DONE_MESSAGES;

/** Returns the success message for the request's `done` key, never echoing the query text itself. */
export function doneMessage(c: Context<AppEnv>): { kind: 'success'; text: string } | null {
  const key = c.req.query('done');
  return key !== undefined && Object.hasOwn(DONE_MESSAGES, key) ? { kind: 'success', text: DONE_MESSAGES[key] } : null;
}

/** Limits a mentor form post to 64 KiB, several times the size of the longest comment. */
export const limitFormBody = bodyLimit({
  maxSize: 65_536,
  onError: () => {
    throw new AppError('payload_too_large', 'The form is larger than 64 KiB. Shorten the comment and send it again.');
  },
});

/**
 * Loads the application in the `id` path parameter for its assigned mentor.
 * Anyone else gets the 404 page, as the API hides applications they may not see.
 */
export async function loadAssignment(c: Context<AppEnv>): Promise<Application> {
  const id = c.req.param('id') ?? '';
  const application = isUuid(id) ? await c.get('em').findOne(ApplicationSchema, { id }) : null;
  if (application === null || !actingRoles(c.get('person'), application).has('mentor')) throw AppError.notFound('application', id);
  return application;
}

/** Reads a posted form after checking its origin and CSRF token (403 otherwise). */
export async function readCheckedForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const parsed = await c.req.parseBody();
  checkFormPost(c, parsed._csrf, c.get('pageSession').csrfToken);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** Returns a comment field, rejecting (422) one longer than the API allows. */
export function commentField(form: Record<string, string>, name: string): string {
  const text = form[name] ?? '';
  if (text.length > MAX_COMMENT_LENGTH) throw AppError.invalid(`The comment has ${text.length} characters, but the maximum is ${MAX_COMMENT_LENGTH}. Shorten it and send it again.`);
  return text;
}

/** Returns the posted verdict, rejecting (422) a value that is not one of the form's choices. */
export function verdictField(form: Record<string, string>): Verdict {
  const verdict = form.verdict ?? '';
  if (!(VERDICTS as readonly string[]).includes(verdict)) throw AppError.invalid('Choose a verdict: OK, Needs work or Not reviewed.');
  return verdict as Verdict;
}

/**
 * Lists what to correct in the verdict form before it is saved. The API stores
 * a Needs work verdict without a comment, and only a later request for changes
 * rejects it, but the form requires the comment at once, as its hint states.
 */
export function checkVerdictForm(form: Record<string, string>): FieldError[] {
  if (form.verdict === 'needs_work' && (form.comment ?? '').trim() === '') {
    return [{ field: 'verdict-comment', text: 'Say what needs work in the comment on this element, so that the library knows what to change.' }];
  }
  return [];
}
