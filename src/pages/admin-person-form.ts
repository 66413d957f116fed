import type { Context } from 'hono';

import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import type { NewPerson } from '../people/people.ts';
import { checkFormPost } from './csrf.ts';
import type { FieldError } from './staff-access.ts';

// Roles that act for a library, as `addPerson` requires: staff work on its applications, and mentors are kept from reviewing it.
const ROLES_WITH_LIBRARY = ['library_staff', 'mentor'];

// The pattern and length limit that `addPerson` checks, repeated here so that the form reports an invalid email with its other faults.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 320;

/** The add-person form as posted, kept to fill the form in again. */
export type PersonFormValues = { email: string; name: string; roles: string[]; libraryId: string };

/** Reads the add-person form after checking its origin and CSRF token (403 otherwise); `roles` may repeat. */
export async function readPersonForm(c: Context<AppEnv>): Promise<PersonFormValues> {
  const body = await c.req.parseBody({ all: true });
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  checkFormPost(c, Array.isArray(body._csrf) ? body._csrf[0] : body._csrf, c.get('pageSession').csrfToken);
  const roles = (Array.isArray(body.roles) ? body.roles : [body.roles]).filter((role): role is string => typeof role === 'string');
  return { email: text(body.email).trim(), name: text(body.name).trim(), roles, libraryId: text(body.libraryId) };
}

/**
 * Lists every fault of the form at once. `addPerson` checks the rest, such as
 * whether the email is taken and the library exists. Unlike `addPerson`, the
 * form rejects a library for a person with no role that belongs to one.
 */
export function checkPersonForm(values: PersonFormValues): FieldError[] {
  const errors: FieldError[] = [];
  if (values.email === '') errors.push({ field: 'person-email', text: 'Enter the person’s email address, for example name@library.ac.uk.' });
  else if (!EMAIL.test(values.email) || values.email.length > MAX_EMAIL_LENGTH) {
    errors.push({ field: 'person-email', text: `“${values.email}” is not a valid email address. Enter it in the form name@library.ac.uk.` });
  }
  if (values.name === '') errors.push({ field: 'person-name', text: 'Enter the person’s name as others should see it.' });
  if (values.roles.length === 0) errors.push({ field: 'person-role-library_staff', text: 'Choose at least one role.' });
  if (values.libraryId === '' && values.roles.some((role) => ROLES_WITH_LIBRARY.includes(role))) {
    errors.push({ field: 'person-library', text: 'Choose the person’s library. Library staff and mentors belong to a library.' });
  }
  if (values.libraryId !== '' && values.roles.length > 0 && !values.roles.some((role) => ROLES_WITH_LIBRARY.includes(role))) {
    errors.push({ field: 'person-library', text: 'Choose “No library” for the library, or add the Library staff or Mentor role. Only library staff and mentors belong to a library.' });
  }
  return errors;
}

export function toNewPerson(values: PersonFormValues): NewPerson {
  return { email: values.email, name: values.name, roles: values.roles, libraryId: values.libraryId === '' ? null : values.libraryId };
}

/**
 * Attaches a rejection from `addPerson` to the form field it is about, in the page's words.
 * NOTE: It picks the field from the start of `addPerson`'s message, so a reworded message falls back to showing that message above the form.
 */
export function personFieldError(error: AppError, values: PersonFormValues): FieldError {
  if (error.code === 'conflict') return { field: 'person-email', text: `A person with the email ${values.email.toLowerCase()} already exists. Use another email address, or find them in the list of people.` };
  if (error.detail.startsWith('email')) return { field: 'person-email', text: `“${values.email}” is not a valid email address. Enter it in the form name@library.ac.uk.` };
  if (error.detail.startsWith('name')) return { field: 'person-name', text: 'Shorten the name to 200 characters or fewer.' };
  if (error.detail.startsWith('role')) return { field: 'person-role-library_staff', text: 'Choose roles from the list only.' };
  if (error.detail.startsWith('libraryId') || error.detail.startsWith('The role')) return { field: 'person-library', text: 'Choose the person’s library from the list.' };
  return { field: 'main', text: error.detail };
}
