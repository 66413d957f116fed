// Starts Waymark on the demo consortium and prints how to use it. Embedded
// PostgreSQL under DATA_DIR unless DATABASE_URL is set; --reset starts clean.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { ConfigError, loadConfig } from '../src/config.ts';
import { claimEmbeddedDataDir } from '../src/db/embedded-lock.ts';
import { PORTFOLIO_FILE } from '../src/demo/centrepiece.ts';
import { DemoClient } from '../src/demo/demo-client.ts';
import { readDemoState, signInPeople } from '../src/demo/demo-state.ts';
import { loadConsortium } from '../src/demo/load-consortium.ts';
import { saveRender, waitForSubmittedRender } from '../src/demo/submitted-portfolio.ts';
import { createLogger } from '../src/logger.ts';
import { setPassword } from '../src/pages/passwords.ts';
import { findPersonByEmail } from '../src/people/people.ts';
import { issueToken, revokeTokens } from '../src/people/tokens.ts';
import { openRuntime } from '../src/runtime.ts';
import { reportStartFailure, startServer, stopOnSignals } from '../src/server.ts';

const WORDS = ['river', 'lantern', 'harbour', 'meadow', 'copper', 'willow', 'granite', 'orchard', 'beacon', 'thistle', 'quarry', 'saffron', 'tundra', 'violet', 'ember', 'pebble'];
const OUT_DIR = path.resolve('out');

/** Returns four random words and a number: long enough for the password rule, easy to type. */
function randomWords(): string {
  const pick = () => WORDS[randomInt(WORDS.length)];
  return `${pick()}-${pick()}-${pick()}-${pick()}-${randomInt(100)}`;
}

// Progress goes to standard output whatever LOG_LEVEL is; the service's JSON logs go to standard error.
const say = (line = '') => process.stdout.write(`${line}\n`);

try {
  // The loading makes hundreds of requests; at `info` their log lines would bury the progress, so the demo defaults to `warn`.
  process.env.LOG_LEVEL ??= 'warn';
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

  say(config.databaseUrl === null ? `Opening the embedded PostgreSQL in ${config.dataDir} and applying migrations (a first start takes a few seconds)` : 'Opening the PostgreSQL server at DATABASE_URL and applying migrations');
  const runtime = await openRuntime(config, logger);
  const { url, stop } = await startServer(runtime, logger);
  stopOnSignals(stop, logger);
  const em = runtime.db.em.fork();
  const standard = runtime.standards.latest('cse')!;

  let state = await readDemoState(em);
  let pdfPath: string | null = null;
  if (state.kind === 'empty') {
    say(`Loading the demo consortium through the API of the service at ${url}`);
    pdfPath = (await loadConsortium({ em: em.fork(), url, standard, outDir: OUT_DIR, say })).pdfPath;
    state = await readDemoState(em.fork());
  } else if (state.kind === 'loaded') {
    say('Using the consortium already loaded (run with --reset to start clean).');
  } else {
    say(`Serving the database as it is: ${state.reason}. Run npm run demo -- --reset to load the demo consortium from scratch.`);
  }

  const centrepiece = state.kind === 'loaded' ? state.centrepiece : null;
  const people = signInPeople();
  const credentials = new Map<string, { password: string; token: string }>();
  for (const person of people) {
    const found = await findPersonByEmail(em, person.email).catch(() => null);
    if (found === null) continue;

    // A fresh password and token each run, so that no fixed secret ships with Waymark; the last run's tokens stop working.
    const password = randomWords();
    await setPassword(em, person.email, password);
    await revokeTokens(em, found.id);
    credentials.set(person.role, { password, token: await issueToken(em, found.id) });
  }

  const staffCredentials = credentials.get(people[0].role);
  if (centrepiece !== null && pdfPath === null && staffCredentials !== undefined) {
    // A rerun fetches the submitted portfolio again, in case ./out/ was cleared since.
    const client = new DemoClient(url, staffCredentials.token);
    const render = await waitForSubmittedRender(client, centrepiece.id, say);
    pdfPath = await saveRender(client, centrepiece.id, render.id, OUT_DIR, PORTFOLIO_FILE);
  }

  say();
  say(`Waymark is running at ${url}`);
  say(`API reference: ${url}/docs   OpenAPI document: ${url}/openapi.json`);
  say();
  say(`Sign in at ${url}/login (new passwords each run):`);
  const listed = people.filter((person) => credentials.has(person.role));
  for (const person of listed) say(`  ${person.role.padEnd(14)} ${person.email.padEnd(42)} password: ${credentials.get(person.role)!.password}`);
  say('  (The mentor also works for their own library: their reviews are under Assignments, at /assignments.)');
  say();
  say('API tokens for the same people (send as Authorization: Bearer <token>):');
  for (const person of listed) say(`  ${person.role.padEnd(14)} ${credentials.get(person.role)!.token}`);
  say();
  if (centrepiece !== null) {
    say(`Northgate's accredited application: ${url}/applications/${centrepiece.id}   API: ${url}/api/applications/${centrepiece.id}`);
    say(`The quality group's dashboard: ${url}/dashboard`);
  }
  if (pdfPath !== null) say(`Submitted portfolio: ${pdfPath}`);
  say('Press Ctrl+C to stop.');
} catch (error) {
  reportStartFailure(error, error instanceof ConfigError ? null : createLogger('error'));
}
