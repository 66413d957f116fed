import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listOperations, fillPath, readOpenApi, resolveRef, type OpenApiDocument, type Operation } from '../support/openapi-operations.ts';
import { applicationInReview } from '../support/review.ts';
import { schemaArbitrary } from '../support/schema-arbitrary.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

// Bounded so that the file runs in seconds: about 120 requests per route.
const SCHEMA_RUNS = 60;
const ANY_JSON_RUNS = 20;
const BYTE_RUNS = 25;
const NESTING = 10_000;

const encoder = new TextEncoder();

// Byte sequences that are not UTF-8: a stray continuation byte, a lead byte with nothing after it,
// an overlong slash, an encoded surrogate, a code point past U+10FFFF, a truncated euro sign and bytes never used.
const INVALID_UTF8: number[][] = [[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const FIXED_BODIES: [string, string, string | undefined][] = [
  ['empty body', '', 'application/json'],
  ['null', 'null', 'application/json'],
  ['array', '[]', 'application/json'],
  ['bare string', '"draft"', 'application/json'],
  ['huge exponent', '1e999', 'application/json'],
  ['prototype key', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', 'application/json'],
  ['duplicate keys', '{"type":"start","type":"withdraw"}', 'application/json'],
  ['byte-order mark', '\uFEFF{}', 'application/json'],
  ['truncated', '{"title":"Opening ho', 'application/json'],
  ['text content type', '{}', 'text/plain'],
  ['no content type', '{}', undefined],
  ['UTF-16 declared', '{}', 'application/json; charset=utf-16'],
  ['form content type', 'title=x', 'application/x-www-form-urlencoded'],
];

type Answer = { status: number; contentType: string | null; text: string };

/** Checks the two promises every JSON route makes: no 5xx, and every error a problem+json body that names its own status. */
function expectHandled(answer: Answer, context: string): void {
  expect(answer.status, `${context}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  if (answer.status < 400) return;
  expect(answer.contentType, context).toBe('application/problem+json');
  const problem = JSON.parse(answer.text);
  expect(problem.status, context).toBe(answer.status);
  expect(typeof problem.title, context).toBe('string');
  expect(typeof problem.detail, context).toBe('string');
  expect(typeof problem.code, context).toBe('string');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Puts `bytes` inside the first string value of a JSON object, or at the end of a body with none, so that a parser meets them mid-string. */
function spliceIntoString(body: unknown, bytes: Uint8Array): Uint8Array {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const key = Object.keys(body).find((name) => typeof (body as Record<string, unknown>)[name] === 'string');
    if (key !== undefined) {
      const marker = 'SPLICE-HERE-7f3a';
      const [before, after] = JSON.stringify({ ...body, [key]: marker }).split(marker);
      return concat(encoder.encode(before), bytes, encoder.encode(after));
    }
  }
  return concat(encoder.encode(JSON.stringify(body) ?? ''), bytes);
}

function deepArray(levels: number, inner = '1'): string {
  return `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
}

function deepObject(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('JSON routes fuzzed with generated bodies', () => {
  let app: TestApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let people: TestPerson[];
  let mentor: TestPerson;
  let params: { review: Record<string, string>; gathering: Record<string, string>; events: Record<string, string>; person: Record<string, string> };
  const tokens = new Map<string, string>();

  const urlOf = (operation: Operation) => {
    if (operation.path.startsWith('/api/people/')) return fillPath(operation.path, params.person);
    if (operation.path.includes('/review')) return fillPath(operation.path, params.review);
    if (operation.path.endsWith('/events')) return fillPath(operation.path, params.events);
    return fillPath(operation.path, params.gathering);
  };

  const send = async (operation: Operation, body: string | Uint8Array, contentType: string | undefined = 'application/json'): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(operation.name)}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await app.raw(operation.method, urlOf(operation), null, typeof body === 'string' ? encoder.encode(body) : body, headers);
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    app = await createTestApp();
    const library = await app.library();
    const staff = await app.person(['library_staff'], library);
    mentor = await app.person(['mentor'], await app.library());
    const quality = await app.person(['quality_group']);
    const admin = await app.person(['admin']);
    people = [staff, mentor, quality, admin];

    const review = await applicationInReview(app, staff, quality, mentor);
    const comment = await app.call('POST', `/api/applications/${review}/review/elements/1.1.1/comments`, mentor.token, { body: 'Please add the survey.' });
    const newGathering = async () => {
      const id = (await app.call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' })).body.id as string;
      await app.call('POST', `/api/applications/${id}/events`, staff.token, { type: 'start' });
      return id;
    };
    const gathering = await newGathering();
    const evidence = await app.call('POST', `/api/applications/${gathering}/evidence`, staff.token, { kind: 'note', title: 'Opening hours', body: 'Hours.', elements: [{ code: '1.1.1' }] });
    const notifications = await app.call('GET', '/api/me/notifications', mentor.token);
    const shared = { code: '1.1.1', commentId: comment.body.id, notificationId: notifications.body.items[0]?.id ?? randomUUID(), evidenceId: evidence.body.id };
    params = {
      review: { ...shared, id: review },
      gathering: { ...shared, id: gathering },
      // Its own application, because a generated withdraw or start would change the one the other routes use.
      events: { ...shared, id: await newGathering() },
      person: { ...shared, id: mentor.id },
    };

    document = await readOpenApi(app);
    operations = listOperations(document).filter((operation) => operation.jsonBody !== null);
    // Each route is fuzzed as the first caller it does not turn away, so that generated bodies reach its validator and handler.
    for (const operation of operations) {
      for (const person of people) {
        tokens.set(operation.name, person.token);
        const probe = await send(operation, '{}');
        if (![401, 403, 404].includes(probe.status)) break;
      }
    }
  }, 120_000);

  afterAll(async () => {
    await app?.dispose();
  });

  it('finds the JSON routes in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    expect(operations.map((operation) => operation.name)).toContain('POST /api/applications/{id}/events');
  });

  it('reaches every JSON route past its access check', async () => {
    for (const operation of operations) {
      const probe = await send(operation, '{}');
      expect([401, 403, 404], `${operation.name} answered ${probe.status} to every caller`).not.toContain(probe.status);
    }
  });

  it('schema-shaped bodies: no 5xx', { timeout: 120_000 }, async () => {
    for (const operation of operations) {
      const bodies = schemaArbitrary(document, operation.jsonBody!, { strings: Object.values(params.gathering) });
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          expectHandled(await send(operation, JSON.stringify(body) ?? ''), `${operation.name} ${JSON.stringify(body)?.slice(0, 200)}`);
        }),
        { numRuns: SCHEMA_RUNS },
      );
    }
  });

  it('any JSON value: no 5xx', { timeout: 60_000 }, async () => {
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
          expectHandled(await send(operation, JSON.stringify(body) ?? 'null'), `${operation.name} ${JSON.stringify(body)?.slice(0, 200)}`);
        }),
        { numRuns: ANY_JSON_RUNS },
      );
    }
  });

  it('invalid UTF-8: no 5xx', { timeout: 60_000 }, async () => {
    const invalid = fc.oneof(fc.constantFrom(...INVALID_UTF8).map((bytes) => new Uint8Array(bytes)), fc.uint8Array({ minLength: 1, maxLength: 16 }));
    for (const operation of operations) {
      const bodies = schemaArbitrary(document, operation.jsonBody!);
      await fc.assert(
        fc.asyncProperty(bodies, invalid, async (body, bytes) => {
          expectHandled(await send(operation, spliceIntoString(body, bytes)), `${operation.name} with bytes ${[...bytes].join(',')}`);
        }),
        { numRuns: BYTE_RUNS },
      );
    }
  });

  it('10,000 levels of nesting: no 5xx', { timeout: 60_000 }, async () => {
    for (const operation of operations) {
      const schema = resolveRef(document, operation.jsonBody!);
      const firstField = Object.keys(schema.properties ?? {})[0] ?? 'type';
      const bodies = [
        deepArray(NESTING),
        deepObject(NESTING),
        `{"${firstField}":${deepArray(NESTING)}}`,
        `{"${firstField}":${deepObject(NESTING)}}`,
        '['.repeat(NESTING),
        // Close to the 1 MB JSON_MAX_BYTES default, so the nesting is as deep as a body may be.
        deepArray(450_000),
      ];
      for (const body of bodies) expectHandled(await send(operation, body), `${operation.name} nested ${body.length} bytes`);
    }
  });

  it.each(FIXED_BODIES)('%s: no 5xx', async (_name, body, contentType) => {
    for (const operation of operations) expectHandled(await send(operation, body, contentType), operation.name);
  });
});

describe('unpaired surrogate escapes', () => {
  let app: TestApp;
  let staff: TestPerson;
  let draft: string;

  beforeAll(async () => {
    app = await createTestApp();
    const library = await app.library();
    staff = await app.person(['library_staff'], library);
    draft = (await app.call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' })).body.id;
  });

  afterAll(async () => {
    await app?.dispose();
  });

  // JSON.stringify writes a lone surrogate as the escape \udbf2, which is context a client sends.
  it.each([
    ['event reason', 'events', { type: 'withdraw', reason: 'Closing \udbf2' }, 'reason'],
    ['note title', 'evidence', { kind: 'note', title: 'Survey \ud800', body: 'Results.' }, 'title'],
    ['mapping note', 'evidence', { kind: 'note', title: 'Survey', body: 'Results.', elements: [{ code: '1.1.1', note: '\udfff' }] }, 'elements.0.note'],
  ])('%s: 422', async (_name, path, body, field) => {
    const response = await app.call('POST', `/api/applications/${draft}/${path}`, staff.token, body);

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.detail).toContain(`${field} contains an unpaired surrogate`);
  });

  it('stores nothing for them', async () => {
    const application = await app.call('GET', `/api/applications/${draft}`, staff.token);
    const evidence = await app.call('GET', `/api/applications/${draft}/evidence`, staff.token);

    expect(application.body.state).toBe('draft');
    expect(evidence.body.total).toBe(0);
  });

  it('keeps a paired surrogate', async () => {
    const response = await app.call('POST', `/api/applications/${draft}/evidence`, staff.token, { kind: 'note', title: 'Storytime 📚', body: 'Photos.' });

    expect(response.status).toBe(201);
    expect(response.body.title).toBe('Storytime 📚');
  });
});
