// The invented consortium that `npm run demo` loads: every name, place and address here is made up.

/** A member library, with the short name its staff use and the domain of its email addresses. */
export type DemoLibrary = { key: string; name: string; domain: string };

export const DEMO_LIBRARIES: readonly DemoLibrary[] = [
  { key: 'northgate', name: 'Northgate University Library', domain: 'northgate.example.ac.uk' },
  { key: 'riverside', name: 'Riverside College Library', domain: 'riverside.example.ac.uk' },
  { key: 'harbourside', name: 'Harbourside University Library', domain: 'harbourside.example.ac.uk' },
  { key: 'kingsmere', name: 'Kingsmere University Library', domain: 'kingsmere.example.ac.uk' },
  { key: 'fenwick', name: 'Fenwick School of Art Library', domain: 'fenwick.example.ac.uk' },
  { key: 'staldric', name: 'St Aldric\u2019s College Library', domain: 'staldric.example.ac.uk' },
  { key: 'calder', name: 'Calder Valley University Library', domain: 'caldervalley.example.ac.uk' },
  { key: 'aberwen', name: 'Aberwen University Library (Llyfrgell Prifysgol Aberwen)', domain: 'aberwen.example.ac.uk' },
  { key: 'bramley', name: 'Bramley Conservatoire Library', domain: 'bramley.example.ac.uk' },
  { key: 'westmarch', name: 'Westmarch Medical School Library', domain: 'westmarch.example.ac.uk' },
  { key: 'eastfield', name: 'Eastfield Agricultural College Library', domain: 'eastfield.example.ac.uk' },
  { key: 'thornbury', name: 'Thornbury University Library', domain: 'thornbury.example.ac.uk' },
];

/** A person of the consortium; `library` is a library key, or null for the consortium's own staff. */
export type DemoPerson = { email: string; name: string; roles: string[]; library: string | null };

/** The lead of each library's applications, one per library. */
const LEADS: readonly [string, string][] = [
  ['northgate', 'Amira Okafor'], ['riverside', 'Tom Albright'], ['harbourside', 'Priya Raman'], ['kingsmere', 'Fergus Doyle'],
  ['fenwick', 'Isla MacLeod'], ['staldric', 'Joseph Mensah'], ['calder', 'Hannah Greenwood'], ['aberwen', 'Siân Llewelyn'],
  ['bramley', 'Oliver Chandra'], ['westmarch', 'Grace Oduya'], ['eastfield', 'Martin Hebden'], ['thornbury', 'Rachel Kowalski'],
];

// Eight mentors from four member libraries; each also works for their own library.
const MENTORS: readonly [string, string][] = [
  ['harbourside', 'Gareth Pryce'], ['harbourside', 'Nadia Haddad'], ['kingsmere', 'Chloë O\u2019Brien'], ['kingsmere', 'David Achebe'],
  ['calder', 'Ruth Ackroyd'], ['calder', 'Imran Sheikh'], ['thornbury', 'Eleanor Vance'], ['thornbury', 'Callum Reid'],
];

const email = (name: string, domain: string) =>
  `${name.normalize('NFD').replace(/[\u0300-\u036f\u2019']/g, '').toLowerCase().replace(/[^a-z]+/g, '.')}@${domain}`;

const domainOf = (key: string) => DEMO_LIBRARIES.find((library) => library.key === key)!.domain;

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  ...LEADS.map(([library, name]) => ({ email: email(name, domainOf(library)), name, roles: ['library_staff'], library })),
  { email: email('Kwame Boateng', domainOf('northgate')), name: 'Kwame Boateng', roles: ['library_staff'], library: 'northgate' },
  ...MENTORS.map(([library, name]) => ({ email: email(name, domainOf(library)), name, roles: ['mentor', 'library_staff'], library })),
  { email: 'helen.marsh@consortium.example.org.uk', name: 'Helen Marsh', roles: ['quality_group'], library: null },
  { email: 'ade.oyelaran@consortium.example.org.uk', name: 'Ade Oyelaran', roles: ['quality_group'], library: null },
  { email: 'sam.whitfield@consortium.example.org.uk', name: 'Sam Whitfield', roles: ['admin'], library: null },
];

/** Finds a person of the demo by name, so that stories read by who does what. */
export function demoPerson(name: string): DemoPerson {
  const person = DEMO_PEOPLE.find((candidate) => candidate.name === name);
  if (person === undefined) throw new Error(`The demo consortium has no person named "${name}".`);
  return person;
}

/** Returns the lead of a library's applications. */
export function leadOf(libraryKey: string): DemoPerson {
  const lead = LEADS.find(([library]) => library === libraryKey);
  if (lead === undefined) throw new Error(`The demo consortium has no library "${libraryKey}".`);
  return demoPerson(lead[1]);
}

/** Mentor profiles: how many reviews each takes at once and the libraries they declared a conflict with. */
export const DEMO_MENTOR_PROFILES: readonly { name: string; capacity: number; conflicts: string[] }[] = [
  { name: 'Gareth Pryce', capacity: 3, conflicts: [] },
  { name: 'Nadia Haddad', capacity: 2, conflicts: ['westmarch'] },
  { name: 'Chloë O\u2019Brien', capacity: 3, conflicts: [] },
  { name: 'David Achebe', capacity: 2, conflicts: [] },
  { name: 'Ruth Ackroyd', capacity: 4, conflicts: ['aberwen'] },
  { name: 'Imran Sheikh', capacity: 2, conflicts: [] },
  { name: 'Eleanor Vance', capacity: 3, conflicts: ['northgate'] },
  { name: 'Callum Reid', capacity: 2, conflicts: [] },
];

/** The people whose sign-ins the demo prints, one per role. */
export const DEMO_SIGN_INS: readonly { role: string; name: string }[] = [
  { role: 'library staff', name: 'Amira Okafor' },
  { role: 'mentor', name: 'Gareth Pryce' },
  { role: 'quality group', name: 'Helen Marsh' },
  { role: 'admin', name: 'Sam Whitfield' },
];
