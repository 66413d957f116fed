import type { EventRequest } from '../applications/event-schemas.ts';
import { EventRequestSchema } from '../applications/event-schemas.ts';
import { isUuid } from '../ids.ts';
import type { LoadedStandard } from '../standards/standard-registry.ts';
import type { FieldError } from './staff-access.ts';

/** The maximum reason length in characters, the same as the API's. */
const MAX_REASON_LENGTH = 2000;
const MAX_BODY_NAME_LENGTH = 300;

/** A form read into either the event to send or the fields to correct. */
export type ParsedForm<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reports whether `value` is a real calendar day as YYYY-MM-DD; 2026-02-30 is not. */
function isRealDay(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function reasonError(reason: string, field: string): FieldError | null {
  return reason.length > MAX_REASON_LENGTH ? { field, text: `The reason has ${reason.length} characters. Shorten it to ${MAX_REASON_LENGTH} characters or fewer.` } : null;
}

function result<T extends EventRequest>(errors: (FieldError | null)[], request: T): ParsedForm<T> {
  const found = errors.filter((error): error is FieldError => error !== null);
  if (found.length > 0) return { ok: false, errors: found };
  // The API's schema has the last word, so the page sends nothing the API would reject as malformed.
  const parsed = EventRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, errors: [{ field: 'main', text: `The form could not be read: ${parsed.error.issues[0]?.message ?? 'invalid input'}. Reload the page and send it again.` }] };
  return { ok: true, value: parsed.data as T };
}

/** Reads the mentor assignment form: a mentor chosen from the list, and an optional reason. */
export function readAssignForm(form: Record<string, string>): ParsedForm<Extract<EventRequest, { type: 'mentor.assign' }>> {
  const mentorId = form.mentorId ?? '';
  const reason = form.reason?.trim() ?? '';
  const mentorError = isUuid(mentorId) ? null : { field: 'assign-mentor-0', text: 'Choose a mentor from the list.' };
  return result([mentorError, reasonError(reason, 'assign-reason')], reason === '' ? { type: 'mentor.assign', mentorId } : { type: 'mentor.assign', mentorId, reason });
}

/** Reads the release form, whose reason is required: the history keeps it and the mentor's round closes with it. */
export function readReleaseForm(form: Record<string, string>): ParsedForm<Extract<EventRequest, { type: 'mentor.release' }>> {
  const reason = form.reason?.trim() ?? '';
  const missing = reason === '' ? { field: 'release-reason', text: 'Enter the reason for releasing the mentor. It is kept in the history.' } : null;
  return result([missing, reasonError(reason, 'release-reason')], { type: 'mentor.release', reason });
}

/** Reads the withdraw form, whose reason is optional. */
export function readWithdrawForm(form: Record<string, string>): ParsedForm<Extract<EventRequest, { type: 'withdraw' }>> {
  const reason = form.reason?.trim() ?? '';
  return result([reasonError(reason, 'withdraw-reason')], reason === '' ? { type: 'withdraw' } : { type: 'withdraw', reason });
}

/** Reads the due date form: one calendar day, which the round is due at the end of (UTC). */
export function readDueDateForm(form: Record<string, string>): ParsedForm<string> {
  const day = form.dueDate?.trim() ?? '';
  if (!isRealDay(day)) {
    const text = day === '' ? 'Enter the new due date, for example 2026-05-31.' : `“${day}” is not a real date. Enter the new due date as year, month and day, for example 2026-05-31.`;
    return { ok: false, errors: [{ field: 'due-date', text }] };
  }
  return { ok: true, value: day };
}

/** Returns the id of the select for one element's rating in the outcome form. */
export function ratingFieldId(code: string): string {
  return `outcome-rating-${code.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/**
 * Reads the assessor's outcome: the report date, the certification body and a
 * rating per element. An element left unset takes the rating chosen for every
 * unset element, if one was. Whether every element is rated is left to the
 * lifecycle, which rejects the event and names the elements still unrated.
 */
export function readOutcomeForm(form: Record<string, string>, standard: LoadedStandard): ParsedForm<Extract<EventRequest, { type: 'outcome.record' }>> {
  const reportDate = form.reportDate?.trim() ?? '';
  const certificationBody = form.certificationBody?.trim() ?? '';
  const fallback = form.defaultRating ?? '';

  const ratings: Record<string, string> = {};
  for (const code of standard.elementCodes()) {
    const chosen = form[`rating-${code}`] ?? '';
    const rating = chosen !== '' ? chosen : fallback;
    if (rating !== '') ratings[code] = rating;
  }

  const errors: (FieldError | null)[] = [];
  if (reportDate === '') errors.push({ field: 'outcome-report-date', text: 'Enter the date of the assessor’s report, for example 2026-03-31.' });
  else if (!isRealDay(reportDate)) errors.push({ field: 'outcome-report-date', text: `“${reportDate}” is not a real date. Enter the date of the assessor’s report as year, month and day, for example 2026-03-31.` });
  if (certificationBody === '') errors.push({ field: 'outcome-body', text: 'Enter the name of the certification body whose assessor made the report.' });
  else if (certificationBody.length > MAX_BODY_NAME_LENGTH) errors.push({ field: 'outcome-body', text: `Shorten the certification body’s name to ${MAX_BODY_NAME_LENGTH} characters or fewer.` });
  return result(errors, { type: 'outcome.record', ratings, reportDate, certificationBody });
}
