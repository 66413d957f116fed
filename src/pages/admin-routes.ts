import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { isUuid } from '../ids.ts';
import { addLibrary } from '../libraries/libraries.ts';
import { addPerson } from '../people/people.ts';
import { PersonSchema, type Person } from '../people/person.entity.ts';
import { revokeTokens } from '../people/tokens.ts';
import { checkPersonForm, personFieldError, readPersonForm, toNewPerson, type PersonFormValues } from './admin-person-form.ts';
import { libraryChoices, paging, readLibraries, readPeople, readPerson, roleChoices } from './admin-views.ts';
import { pageBase, requireSignIn } from './page-session.ts';
import { renderPage } from './page-templates.ts';
import { setPassword } from './passwords.ts';
import { readCheckedForm, type FieldError } from './staff-access.ts';

/** Success messages by the `done` query key that a form's redirect sets. Any other key shows nothing. */
const DONE_MESSAGES: Record<string, string> = {
  'library-added': 'The library is added.',
  'person-added': 'The person is added. They can sign in once you set a password for them below.',
  'tokens-revoked': 'Every API token of this person is revoked.',
  'password-set': 'The password is set. Give it to the person by a channel other than email, and ask them to keep it to themselves.',
};

function doneMessage(c: Context<AppEnv>): { kind: 'success'; text: string } | null {
  const key = c.req.query('done');
  return key !== undefined && Object.hasOwn(DONE_MESSAGES, key) ? { kind: 'success', text: DONE_MESSAGES[key] } : null;
}

/** Reads the `page` query value, rejecting (422) anything but a whole number from 1. */
function pageNumber(c: Context<AppEnv>): number {
  const value = c.req.query('page') ?? '';
  if (value === '') return 1;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw AppError.invalid(`The page "${value}" is not a valid page number. Use a whole number from 1.`);
  return Number(value);
}

async function loadPerson(c: Context<AppEnv>): Promise<Person> {
  const id = c.req.param('id') ?? '';
  const person = isUuid(id) ? await c.get('em').findOne(PersonSchema, { id }) : null;
  if (person === null) throw AppError.notFound('person', id);
  return person;
}

/** Builds the administrators' pages: libraries, people, adding either, setting a person's password and revoking their API tokens. */
export function adminPages(_deps: AppDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  const admin = requireSignIn('admin');
  const limitForm = bodyLimit({ maxSize: 16_384, onError: () => { throw new AppError('payload_too_large', 'The form is larger than 16 KiB. Shorten the text and send it again.'); } });

  const render = (c: Context<AppEnv>, template: string, title: string, view: Record<string, unknown>, status: ContentfulStatusCode = 200) => {
    const errors = (view.errors as FieldError[] | undefined) ?? [];
    if (errors.length > 0) c.get('log').info({ status, path: c.req.path, fields: errors.map((error) => error.field) }, 'admin form rejected');
    const fieldErrors = Object.fromEntries(errors.map((error) => [error.field, error.text]));
    return c.html(renderPage(template, { ...pageBase(c, title), message: errors.length > 0 ? null : doneMessage(c), ...view, errors, fieldErrors }), status);
  };

  const showLibraries = async (c: Context<AppEnv>, extra: { errors?: FieldError[]; name?: string } = {}, status: ContentfulStatusCode = 200) => {
    const page = pageNumber(c);
    const { total, libraries } = await readLibraries(c.get('em').fork({ clear: true }), page);
    return render(c, 'admin-libraries', 'Libraries', { libraries, total, ...paging('/admin/libraries', page, total), name: extra.name ?? '', errors: extra.errors }, status);
  };

  const showNewPerson = async (c: Context<AppEnv>, values: PersonFormValues, errors: FieldError[] = [], status: ContentfulStatusCode = 200) => {
    const libraries = await libraryChoices(c.get('em').fork({ clear: true }), values.libraryId);
    return render(c, 'admin-person-new', 'Add a person', { values, roles: roleChoices(values.roles), libraries, errors }, status);
  };

  router.get('/admin/libraries', admin, (c) => showLibraries(c));

  router.post('/admin/libraries', admin, limitForm, async (c) => {
    const form = await readCheckedForm(c);
    const name = form.name?.trim() ?? '';
    if (name === '') return showLibraries(c, { errors: [{ field: 'library-name', text: 'Enter the library’s name.' }] }, 422);
    if (name.length > 200) return showLibraries(c, { errors: [{ field: 'library-name', text: `The name has ${name.length} characters. Shorten it to 200 characters or fewer.` }], name }, 422);

    try {
      const library = await addLibrary(c.get('em').fork({ clear: true }), name);
      c.get('log').info({ libraryId: library.id }, 'library added from the admin page');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const text = error.code === 'conflict' ? `A library named “${name}” already exists. Choose another name.` : error.detail;
      return showLibraries(c, { errors: [{ field: 'library-name', text }], name }, error.status as ContentfulStatusCode);
    }
    return c.redirect('/admin/libraries?done=library-added', 303);
  });

  router.get('/admin/people', admin, async (c) => {
    const page = pageNumber(c);
    const { total, people } = await readPeople(c.get('em'), page);
    return render(c, 'admin-people', 'People', { people, total, ...paging('/admin/people', page, total) });
  });

  router.get('/admin/people/new', admin, (c) => showNewPerson(c, { email: '', name: '', roles: [], libraryId: '' }));

  router.post('/admin/people', admin, limitForm, async (c) => {
    const values = await readPersonForm(c);
    const errors = checkPersonForm(values);
    if (errors.length > 0) return showNewPerson(c, values, errors, 422);

    let person: Person;
    try {
      person = await addPerson(c.get('em').fork({ clear: true }), toNewPerson(values));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return showNewPerson(c, values, [personFieldError(error, values)], error.status as ContentfulStatusCode);
    }
    c.get('log').info({ newPersonId: person.id, roles: person.roles }, 'person added from the admin page');
    return c.redirect(`/admin/people/${person.id}?done=person-added`, 303);
  });

  const showPerson = async (c: Context<AppEnv>, errors: FieldError[] = [], status: ContentfulStatusCode = 200) => {
    const person = await readPerson(c.get('em').fork({ clear: true }), await loadPerson(c));
    return render(c, 'admin-person', person.name, { shown: person, errors }, status);
  };

  router.get('/admin/people/:id', admin, (c) => showPerson(c));

  router.post('/admin/people/:id/password', admin, limitForm, async (c) => {
    const person = await loadPerson(c);
    const form = await readCheckedForm(c);
    const password = form.password ?? '';
    if (password !== (form.confirm ?? '')) return showPerson(c, [{ field: 'new-password', text: 'The two passwords differ. Type the same password in both boxes.' }], 422);

    try {
      await setPassword(c.get('em'), person.email, password);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return showPerson(c, [{ field: 'new-password', text: error.detail }], error.status as ContentfulStatusCode);
    }
    c.get('log').info({ passwordPersonId: person.id }, 'password set from the admin page');
    return c.redirect(`/admin/people/${person.id}?done=password-set`, 303);
  });

  router.post('/admin/people/:id/tokens/revoke', admin, limitForm, async (c) => {
    const person = await loadPerson(c);
    await readCheckedForm(c);
    const revoked = await revokeTokens(c.get('em'), person.id);
    c.get('log').info({ tokenPersonId: person.id, revoked }, 'tokens revoked from the admin page');
    return c.redirect(`/admin/people/${person.id}?done=tokens-revoked`, 303);
  });

  return router;
}
