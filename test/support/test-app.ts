import path from 'node:path';

import { loadConfig, type Config } from '../../src/config.ts';
import { addLibrary } from '../../src/libraries/libraries.ts';
import { createLogger } from '../../src/logger.ts';
import { addPerson } from '../../src/people/people.ts';
import type { Role } from '../../src/people/person.entity.ts';
import { issueToken } from '../../src/people/tokens.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { startServer } from '../../src/server.ts';
import { createTestDatabase } from './database.ts';
import { buildMultipart, type Part } from './multipart.ts';

export const FIXTURE_STANDARDS_DIR = path.resolve(import.meta.dirname, '../fixtures/standards');

export type TestPerson = { id: string; email: string; token: string; libraryId: string | null };

/** A running app on its own fresh database, with helpers to add libraries and people and to call the API. */
export type TestApp = Runtime & {
  databaseUrl: string;
  library: (name?: string) => Promise<string>;
  person: (roles: Role[], libraryId?: string | null) => Promise<TestPerson>;
  call: (method: string, url: string, token: string | null, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>;
  /** Starts the service on a free port with its review clock and, unless disabled, its render worker; `stop` ends them, `dispose` the rest. */
  serve: () => Promise<{ url: string; stop: () => Promise<void> }>;
  /** Sends raw bytes (a multipart body, say) and returns the response untouched. */
  raw: (method: string, url: string, token: string | null, body?: Uint8Array, headers?: Record<string, string>) => Promise<Response>;
  /** Uploads hand-built multipart parts and parses the JSON response. */
  upload: (url: string, token: string, parts: Part[], method?: string) => Promise<{ status: number; body: any; headers: Headers }>;
  dispose: () => Promise<void>;
};

let counter = 0;

export async function createTestApp(settings: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: Config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', STANDARDS_DIR: FIXTURE_STANDARDS_DIR, ...settings });
  const runtime = await openRuntime(config, createLogger(config.logLevel));

  const library = async (name = `Test Library ${++counter} ${Math.random().toString(36).slice(2, 8)}`) => (await addLibrary(runtime.db.em.fork(), name)).id;
  const person = async (roles: Role[], libraryId: string | null = null) => {
    const em = runtime.db.em.fork();
    const email = `person${++counter}.${Math.random().toString(36).slice(2, 8)}@example.ac.uk`;
    const created = await addPerson(em, { email, name: `Person ${counter}`, roles, libraryId });
    return { id: created.id, email, token: await issueToken(em, created.id), libraryId };
  };
  const call: TestApp['call'] = async (method, url, token, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await runtime.app.request(url, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON, so the test gets the raw text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  const raw: TestApp['raw'] = async (method, url, token, body, headers = {}) =>
    runtime.app.request(url, { method, body: body as Uint8Array<ArrayBuffer> | undefined, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } });
  const upload: TestApp['upload'] = async (url, token, parts, method = 'POST') => {
    const { body, contentType } = buildMultipart(parts);
    const response = await raw(method, url, token, body, { 'content-type': contentType });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
  };
  const serve: TestApp['serve'] = async () => {
    const served = await startServer(runtime, runtime.logger);
    return { url: served.url, stop: served.stopServing };
  };
  const dispose = async () => {
    await runtime.close();
    await database.drop();
  };

  return { ...runtime, databaseUrl: database.url, library, person, call, raw, upload, serve, dispose };
}
