// Starts Waymark on a small seeded example and prints how to use it. Embedded
// PostgreSQL under DATA_DIR unless DATABASE_URL is set; --reset starts clean.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { ConfigError, loadConfig } from '../src/config.ts';
import { ApplicationSchema } from '../src/applications/application.entity.ts';
import { claimEmbeddedDataDir } from '../src/db/embedded-lock.ts';
import { EXAMPLE_PEOPLE, seedExample } from '../src/demo/seed-example.ts';
import { createLogger } from '../src/logger.ts';
import { findPersonByEmail } from '../src/people/people.ts';
import { issueToken } from '../src/people/tokens.ts';
import { stateInWords } from '../src/pages/page-templates.ts';
import { setPassword } from '../src/pages/passwords.ts';

const WORDS = ['river', 'lantern', 'harbour', 'meadow', 'copper', 'willow', 'granite', 'orchard', 'beacon', 'thistle', 'quarry', 'saffron', 'tundra', 'violet', 'ember', 'pebble'];

/** Returns four random words and a number: long enough for the password rule, easy to type. */
function randomWords(): string {
  const pick = () => WORDS[randomInt(WORDS.length)];
  return `${pick()}-${pick()}-${pick()}-${pick()}-${randomInt(100)}`;
}
import { openRuntime } from '../src/runtime.ts';
import { reportStartFailure, startServer, stopOnSignals } from '../src/server.ts';

const say = (line = '') => process.stdout.write(`${line}\n`);

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  const unknown = process.argv.slice(2).filter((argument) => argument !== '--reset');
  if (unknown.length > 0) {
    say(`Unknown option ${unknown[0]}: the demo takes only --reset (start from an empty embedded database).`);
    process.exit(2);
  }

  if (process.argv.includes('--reset')) {
    if (config.databaseUrl !== null) {
      say('--reset clears only the embedded database; with DATABASE_URL set, drop and recreate that database yourself.');
      process.exit(2);
    }
    // Claiming the folder first means a running demo or service is never wiped from under itself.
    const lock = claimEmbeddedDataDir(config.dataDir);
    try {
      say(`Starting clean: removing the embedded database in ${config.dataDir}`);
      fs.rmSync(path.join(config.dataDir, 'pglite'), { recursive: true, force: true });
    } finally {
      lock.release();
    }
  }

  say(config.databaseUrl === null ? `Opening the embedded PostgreSQL in ${config.dataDir} (first start takes a few seconds)` : 'Opening the PostgreSQL server at DATABASE_URL');
  const runtime = await openRuntime(config, logger);

  const em = runtime.db.em.fork();
  say((await seedExample(em, runtime.standards, logger, config, runtime.jobs)) ? 'Seeded the example: two libraries, one person per role, one application.' : 'Using the data already there (run with --reset to start clean).');

  const { url, stop } = await startServer(runtime, logger);
  stopOnSignals(stop, logger);

  say();
  say(`Waymark is running at ${url}`);
  say(`API reference: ${url}/docs   OpenAPI document: ${url}/openapi.json`);
  say();
  say(`Sign in at ${url}/login, or call the API with a bearer token (new ones each run):`);
  for (const person of EXAMPLE_PEOPLE) {
    // A fresh password each run, so that no fixed password ships with Waymark.
    const password = `${randomWords()}`;
    await setPassword(em, person.email, password);
    const found = await findPersonByEmail(em, person.email);
    say(`  ${person.roles.join('+').padEnd(22)} ${person.email.padEnd(36)} password: ${password}`);
    say(`  ${''.padEnd(22)} ${''.padEnd(36)} token:    ${await issueToken(em, found.id)}`);
  }
  say();
  const [example] = await em.find(ApplicationSchema, {}, { orderBy: { createdAt: 'asc' }, limit: 1 });
  say(`Try: curl -H "Authorization: Bearer <token>" ${url}/api/applications`);
  if (example !== undefined) {
    say(`The example application (${stateInWords(example.state).toLowerCase()}): ${url}/applications/${example.id}`);
    say(`  and in the API: ${url}/api/applications/${example.id}`);
  }
  say('Press Ctrl+C to stop.');
} catch (error) {
  reportStartFailure(error, error instanceof ConfigError ? null : createLogger('error'));
}
