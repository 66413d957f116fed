import type { FilterQuery } from '@mikro-orm/core';

import type { Person, Role } from '../people/person.entity.ts';
import type { Application } from './application.entity.ts';

/** The roles a person can act in on one application: the ones that apply to it, not every role they hold. */
export type ActingRole = Extract<Role, 'library_staff' | 'mentor' | 'quality_group'>;

/**
 * Returns the roles in which `person` may act on `application`: staff of the
 * applying library, its assigned mentor, or the quality group. An empty set
 * means the application is hidden from them, so requests for it return 404.
 */
export function actingRoles(person: Person, application: Pick<Application, 'library' | 'mentor'>): Set<ActingRole> {
  const roles = new Set<ActingRole>();
  if (person.roles.includes('library_staff') && person.library !== null && person.library === application.library) roles.add('library_staff');
  if (person.roles.includes('mentor') && application.mentor === person.id) roles.add('mentor');
  if (person.roles.includes('quality_group')) roles.add('quality_group');
  return roles;
}

/** Returns the filter that limits a list of applications to those `person` may see. */
export function visibleApplications(person: Person): FilterQuery<Application> {
  if (person.roles.includes('quality_group')) return {};

  const branches: FilterQuery<Application>[] = [];
  if (person.roles.includes('library_staff') && person.library !== null) branches.push({ library: person.library });
  if (person.roles.includes('mentor')) branches.push({ mentor: person.id });
  // A filter that matches nothing keeps the query shape the same for every role.
  return branches.length === 0 ? { id: { $in: [] } } : { $or: branches };
}
