import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { completeEvidence, reviewAll } from '../support/lifecycle.ts';

// Every step starts PGlite, which takes seconds, so each test gets far more than the default.
const PGLITE_TIMEOUT = 120_000;

const repoRoot = path.resolve(import.meta.dirname, '../..');

type Finished = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Builds the environment of a child process on the embedded database in `dataDir`. */
function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...extra };
  delete env.DATABASE_URL;
  delete env.STANDARDS_DIR;
  return env;
}

/** Runs the CLI under the Node that runs the tests and collects its output. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  const child = spawn(process.execPath, ['bin/waymark.js', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a CLI command that must succeed and returns its standard output without the final newline. */
async function cliOutput(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`waymark ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Returns a TCP port that was free a moment ago, because a spawned server must be given its port in advance. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('the probe server has no TCP address');
  return address.port;
}

/** A spawned `src/server.ts` with its standard error collected and its exit awaited. */
type Service = { child: ChildProcess; url: string; stderr: () => string; exited: Promise<Finished> };

function startService(env: NodeJS.ProcessEnv, port: number): Service {
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: repoRoot, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Finished>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => stderr, exited };
}

/** Polls GET /health until it returns 200, failing at once if the service exits first. */
async function waitForHealth(service: Service, timeoutMs = 60_000): Promise<void> {
  const early: { exit: Finished | null } = { exit: null };
  void service.exited.then((finished) => {
    early.exit = finished;
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (early.exit !== null) throw new Error(`the service exited with ${early.exit.code} before it was healthy: ${early.exit.stderr}`);
    try {
      const response = await fetch(`${service.url}/health`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`GET /health did not return 200 within ${timeoutMs} ms: ${service.stderr()}`);
}

/** Parses the pino JSON lines on a process's standard error, skipping any line that is not JSON. */
function logLines(stderr: string): { msg?: string; [key: string]: unknown }[] {
  const lines = [];
  for (const line of stderr.split('\n')) {
    try {
      lines.push(JSON.parse(line));
    } catch {
      // A plain-text line, such as a Node warning.
    }
  }
  return lines;
}

type StandardTreeNode = { code: string; children: StandardTreeNode[] };

function leafCodes(nodes: StandardTreeNode[]): string[] {
  return nodes.flatMap((node) => (node.children.length === 0 ? [node.code] : leafCodes(node.children)));
}

describe('service on the embedded database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'waymark-embedded-'));
  const lockFile = path.join(dataDir, 'waymark.pid');
  const env = embeddedEnv(dataDir);
  const people = {
    staff: 'staff@northgate.example.ac.uk',
    mentor: 'mentor@riverside.example.ac.uk',
    quality: 'quality@cse.example.org.uk',
  };
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  let service: Service | null = null;
  let applicationId = '';

  const call = async (method: string, url: string, token: string | null, body?: unknown) => {
    const response = await fetch(service!.url + url, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const send = (token: string, event: Record<string, unknown>) => call('POST', `/api/applications/${applicationId}/events`, token, event);

  afterAll(async () => {
    if (service !== null && service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up libraries and people by CLI', { timeout: PGLITE_TIMEOUT }, async () => {
    ids.applicant = await cliOutput(['library', 'add', '--name', 'Northgate University Library'], env);
    ids.mentoring = await cliOutput(['library', 'add', '--name', 'Riverside College Library'], env);
    expect(ids.applicant).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.mentoring).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.mentoring).not.toBe(ids.applicant);

    ids.staff = await cliOutput(['user', 'add', '--email', people.staff, '--name', 'Priya Shah', '--role', 'library_staff', '--library', ids.applicant], env);
    ids.mentor = await cliOutput(['user', 'add', '--email', people.mentor, '--name', 'Tom Evans', '--role', 'library_staff', '--role', 'mentor', '--library', ids.mentoring], env);
    ids.quality = await cliOutput(['user', 'add', '--email', people.quality, '--name', 'Ruth Okafor', '--role', 'quality_group'], env);
    expect(ids.staff).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.mentor).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.quality).toMatch(/^[0-9a-f-]{36}$/);

    for (const [key, email] of Object.entries(people)) tokens[key] = await cliOutput(['token', 'create', '--email', email], env);
    expect(tokens.staff).toMatch(/^wm_\S+$/);
    expect(tokens.mentor).toMatch(/^wm_\S+$/);
    expect(tokens.quality).toMatch(/^wm_\S+$/);

    expect(existsSync(lockFile)).toBe(false);
  });

  it('starts and logs the embedded database', { timeout: PGLITE_TIMEOUT }, async () => {
    service = startService(env, await freePort());
    await waitForHealth(service);

    const health = await call('GET', '/health', null);
    expect(health.body).toEqual({ status: 'ok', database: 'embedded' });

    expect(readFileSync(lockFile, 'utf8')).toBe(String(service.child.pid));

    const messages = logLines(service.stderr()).map((line) => line.msg ?? '');
    expect(messages.some((message) => message.includes('embedded'))).toBe(true);
    const started = logLines(service.stderr()).find((line) => line.msg === 'Waymark started');
    expect(started?.database).toBe('embedded');
    expect(started?.url).toBe(service.url);
  });

  it('refuses the CLI while the service runs', { timeout: PGLITE_TIMEOUT }, async () => {
    const result = await runCli(['token', 'create', '--email', people.staff], env);

    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`process ${service!.child.pid}`);
    expect(result.stderr).toContain('Stop the service');
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    expect(readFileSync(lockFile, 'utf8')).toBe(String(service!.child.pid));
    const health = await call('GET', '/health', null);
    expect(health.status).toBe(200);
  });

  it('walks an application to accredited', { timeout: PGLITE_TIMEOUT }, async () => {
    const standard = await call('GET', '/api/standards/cse', tokens.staff);
    expect(standard.status).toBe(200);
    const codes = leafCodes(standard.body.criteria);
    expect(codes).toHaveLength(57);
    expect(standard.body.elements).toBe(57);

    const created = await call('POST', '/api/applications', tokens.staff, { libraryId: ids.applicant, standardId: 'cse', cycle: 'initial' });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('draft');
    expect(created.body.libraryName).toBe('Northgate University Library');
    applicationId = created.body.id;

    const started = await send(tokens.staff, { type: 'start' });
    expect(started.status).toBe(200);
    expect(started.body.state).toBe('gatheringEvidence');

    await completeEvidence(call, applicationId, tokens.staff, codes);
    const covered = await call('GET', `/api/applications/${applicationId}`, tokens.staff);
    expect(covered.body.coverage).toMatchObject({ elements: 57, withEvidence: 57, rated: 57 });

    const requested = await send(tokens.staff, { type: 'review.request' });
    expect(requested.status).toBe(200);
    expect(requested.body.state).toBe('peerReview.awaitingMentor');

    const assigned = await send(tokens.quality, { type: 'mentor.assign', mentorId: ids.mentor, reason: 'Mentors another university library' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.state).toBe('peerReview.inReview');
    expect(assigned.body.mentorId).toBe(ids.mentor);

    await reviewAll(call, applicationId, tokens.mentor, codes);
    const approved = await send(tokens.mentor, { type: 'review.approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('readyToSubmit');

    const submitted = await send(tokens.staff, { type: 'submit' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.state).toBe('submitted');

    // pg-boss runs in the service's process on the embedded database, and the service renders the submission.
    const deadline = Date.now() + 90_000;
    let renders = await call('GET', `/api/applications/${applicationId}/portfolio`, tokens.staff);
    while (renders.body.items[0]?.status !== 'ready' && renders.body.items[0]?.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      renders = await call('GET', `/api/applications/${applicationId}/portfolio`, tokens.staff);
    }
    expect(renders.body.items[0]).toMatchObject({ kind: 'submitted', status: 'ready' });

    const ratings = Object.fromEntries(codes.map((code) => [code, 'compliance']));
    const outcome = await send(tokens.quality, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });
    expect(outcome.status).toBe(200);
    expect(outcome.body.state).toBe('accredited');
    expect(outcome.body.allowedEvents).toEqual([]);

    const stored = await call('GET', `/api/applications/${applicationId}`, tokens.mentor);
    expect(stored.body.state).toBe('accredited');
  });

  it('stops on SIGTERM and frees the lock', { timeout: PGLITE_TIMEOUT }, async () => {
    service!.child.kill('SIGTERM');
    const finished = await service!.exited;

    expect(finished.signal).toBeNull();
    expect(finished.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    expect(logLines(finished.stderr).some((line) => line.msg === 'Waymark stopped')).toBe(true);
  });

  it('lets the CLI run again after stop', { timeout: PGLITE_TIMEOUT }, async () => {
    const revoked = await runCli(['token', 'revoke', '--email', people.staff], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`Revoked 1 token of ${people.staff}.\n`);

    const created = await runCli(['token', 'create', '--email', people.staff], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^wm_\S+\n$/);
    tokens.oldStaff = tokens.staff;
    tokens.staff = created.stdout.trim();

    expect(existsSync(lockFile)).toBe(false);
  });

  it('keeps the data across a restart', { timeout: PGLITE_TIMEOUT }, async () => {
    service = startService(env, await freePort());
    await waitForHealth(service);

    const revoked = await call('GET', `/api/applications/${applicationId}`, tokens.oldStaff);
    expect(revoked.status).toBe(401);

    const stored = await call('GET', `/api/applications/${applicationId}`, tokens.staff);
    expect(stored.status).toBe(200);
    expect(stored.body.state).toBe('accredited');
    expect(stored.body.coverage).toMatchObject({ elements: 57, withEvidence: 57, rated: 57 });

    service.child.kill('SIGTERM');
    const finished = await service.exited;
    expect(finished.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe('embedded data folder lock', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'waymark-lock-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes over a dead process lock', { timeout: PGLITE_TIMEOUT }, async () => {
    // Linux allocates no process id above pid_max, which is at most 2^22 = 4194304 on 64-bit systems (proc(5)), so no process has this one.
    const deadPid = '2147483000';
    writeFileSync(path.join(dataDir, 'waymark.pid'), deadPid);

    const result = await runCli(['library', 'add', '--name', 'Eastfield Community Library'], embeddedEnv(dataDir));

    expect(result.stderr).not.toContain('in use');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(existsSync(path.join(dataDir, 'waymark.pid'))).toBe(false);
  });

  it('refuses a live process lock', { timeout: PGLITE_TIMEOUT }, async () => {
    // The test runner is alive, so its process id is used as the id of a running service.
    writeFileSync(path.join(dataDir, 'waymark.pid'), String(process.pid));

    const result = await runCli(['library', 'add', '--name', 'Westbrook Library'], embeddedEnv(dataDir));

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`in use by process ${process.pid}`);
    expect(readFileSync(path.join(dataDir, 'waymark.pid'), 'utf8')).toBe(String(process.pid));
  });

  it('names an unknown email on a new folder', { timeout: PGLITE_TIMEOUT }, async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'waymark-fresh-'));
    try {
      const result = await runCli(['token', 'create', '--email', 'nobody@example.ac.uk'], embeddedEnv(fresh));

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('No person with email nobody@example.ac.uk exists');
      expect(result.stderr).not.toContain('does not exist\n    at');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
