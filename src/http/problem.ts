import { DriverException, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';

import { AppError, toProblem } from '../errors.ts';
import type { AppEnv } from './env.ts';

const PROBLEM_TYPE = 'application/problem+json';

/** Sends an AppError as an `application/problem+json` response. */
export function problemResponse(c: Context, error: AppError): Response {
  const headers: Record<string, string> = { 'content-type': PROBLEM_TYPE };
  const requestId = c.get('requestId') as string | undefined;
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  if (error.code === 'unauthenticated') headers['www-authenticate'] = 'Bearer realm="waymark"';
  return new Response(JSON.stringify(toProblem(error)), { status: error.status, headers });
}

// PostgreSQL rejects text it cannot store (a NUL character, or bytes invalid in UTF-8) with these SQLSTATE codes.
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = boundedJson(value, 81);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Writes `value` as JSON until the text reaches `budget` characters. Every level
 * adds at least one character, so the recursion is no deeper than the budget,
 * whereas JSON.stringify of a body nested 10,000 levels deep exhausts the stack.
 */
function boundedJson(value: unknown, budget: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';

  const isArray = Array.isArray(value);
  let text = isArray ? '[' : '{';
  const keys = isArray ? null : Object.keys(value);
  const count = isArray ? value.length : keys!.length;
  for (let index = 0; index < count && text.length < budget; index++) {
    if (index > 0) text += ',';
    if (keys !== null) text += `${JSON.stringify(keys[index])}:`;
    const item = keys === null ? (value as unknown[])[index] : (value as Record<string, unknown>)[keys[index]];
    text += boundedJson(item, budget - text.length);
  }
  return text.length < budget ? `${text}${isArray ? ']' : '}'}` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns zod issues into one sentence per fault, each naming the field and the value that was sent. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, where: string): string[] {
  return issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : where;
    if (issue.code === 'unrecognized_keys') {
      return `${field === where ? where : field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    }
    const sent = valueAt(input, issue.path);
    return `${field}: ${plainMessage(issue, sent)}`;
  });
}

/** Rewords zod's generic messages for the common faults, so that a reader sees what to send instead. */
function plainMessage(issue: z.core.$ZodIssue, sent: unknown): string {
  if (sent === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'is missing; add it';
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    const options = (issue as { options?: unknown[] }).options;
    return `${describeValue(sent)} is not a known value${Array.isArray(options) ? `; use one of ${options.join(', ')}` : ''}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return `expected a number, got ${describeValue(sent)}`;
  return `${issue.message} (got ${describeValue(sent)})`;
}

type UnstorableText = { path: string; fault: string };

const NUL_FAULT = 'a NUL character (\\u0000)';
// A JSON escape such as "\ud800" gives a string that is not valid UTF-16. PostgreSQL's jsonb rejects it,
// and the pg driver would store it in a text column as U+FFFD, so the stored text would differ from what was sent.
const LONE_SURROGATE_FAULT = 'an unpaired surrogate escape (such as \\ud800), which is not a character';

function textFault(text: string): string | null {
  if (text.includes('\u0000')) return NUL_FAULT;
  return text.isWellFormed() ? null : LONE_SURROGATE_FAULT;
}

/** Returns the path of the first string or key in `value` that PostgreSQL cannot store as sent, with the reason, or null. */
function findUnstorableText(value: unknown, path: string[]): UnstorableText | null {
  if (typeof value === 'string') {
    const fault = textFault(value);
    return fault === null ? null : { path: path.join('.'), fault };
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const keyFault = textFault(key);
    if (keyFault !== null) return { path: [...path, key].join('.'), fault: keyFault };
    const found = findUnstorableText(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/** The validation hook of every route: a schema failure becomes a 422 that lists each fault. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string; data?: unknown },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) {
    const unstorable = findUnstorableText((result as { data?: unknown }).data, []);
    if (unstorable !== null) {
      throw AppError.invalid(`${unstorable.path === '' ? 'The request' : unstorable.path} contains ${unstorable.fault}, which cannot be stored. Remove it and send the request again.`);
    }
    return undefined;
  }
  const where = result.target === 'json' ? 'body' : (result.target ?? 'request');
  const faults = describeIssues(result.error.issues, result.data, where);
  throw AppError.invalid(`The ${where} is invalid: ${faults.join('; ')}. Fix these fields and send the request again.`, { errors: faults });
}

/** Maps anything thrown in a handler to a problem response; unexpected errors are logged and their text hidden. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof AppError) {
    c.get('log')?.info({ code: error.code, status: error.status, detail: error.detail, method: c.req.method, path: c.req.path }, 'request rejected');
    return problemResponse(c, error);
  }

  // A race that a domain operation did not expect still gets a 409, never a 500.
  if (error instanceof UniqueConstraintViolationException || error instanceof OptimisticLockError) {
    c.get('log')?.info({ err: error, method: c.req.method, path: c.req.path }, 'request lost a race with a concurrent change');
    return problemResponse(c, new AppError('conflict', `Another request changed the same data first, so ${c.req.method} ${c.req.path} was not applied. Reload and try again.`));
  }

  if (error instanceof DriverException && UNSTORABLE_TEXT_CODES.has(error.code ?? '')) {
    c.get('log')?.info({ err: error, method: c.req.method, path: c.req.path }, 'request carried text the database cannot store');
    return problemResponse(c, AppError.invalid('A text field contains a NUL character (\\u0000) or another character PostgreSQL cannot store. Remove it and send the request again.'));
  }

  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400) {
      const empty = c.req.header('content-length') === '0';
      return problemResponse(c, new AppError('malformed_body', empty ? 'The request body is empty. Send a JSON object with Content-Type: application/json.' : 'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.'));
    }
    if (status === 415) {
      const sent = c.req.header('content-type') ?? 'none';
      return problemResponse(c, new AppError('unsupported_media_type', `Content-Type "${sent}" is not accepted here. Send the body as application/json, or as multipart/form-data where the route takes files.`));
    }
    if (status === 413) {
      return problemResponse(c, new AppError('payload_too_large', 'The request body is larger than this server accepts. Send a smaller body.'));
    }
  }

  const log = c.get('log');
  (log ?? console).error({ err: error, method: c.req.method, path: c.req.path }, 'request failed with an unexpected error');
  return problemResponse(c, new AppError('internal', `The server failed to handle ${c.req.method} ${c.req.path}. The error was logged with request id ${c.get('requestId') ?? 'unknown'}; try again or report it.`));
}
