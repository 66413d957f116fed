import { spawn } from 'node:child_process';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PageClient } from '../support/browser-session.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Runs `waymark user password` with `input` on standard input, as an administrator would pipe it. */
function setPasswordByCli(databaseUrl: string, email: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/waymark.js', 'user', 'password', '--email', email], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('waymark user password', () => {
  let app: TestApp;
  let staff: TestPerson;

  beforeAll(async () => {
    app = await createTestApp();
    staff = await app.person(['library_staff'], await app.library());
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('sets a password read from standard input', { timeout: 60_000 }, async () => {
    const result = await setPasswordByCli(app.databaseUrl, staff.email, 'a long pass phrase of several words\n');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Password set for ${staff.email}.\n`);
    expect(result.stdout).not.toContain('pass phrase');
    const landed = await new PageClient(app).signIn(staff.email, 'a long pass phrase of several words');
    expect(landed.status).toBe(303);
  });

  it('rejects a short password', { timeout: 60_000 }, async () => {
    const result = await setPasswordByCli(app.databaseUrl, staff.email, 'short\n');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The password is 5 characters long; use 10 to 200.');
  });

  it('names an unknown email', { timeout: 60_000 }, async () => {
    const result = await setPasswordByCli(app.databaseUrl, 'nobody@example.ac.uk', 'a long pass phrase of several words\n');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No person with email nobody@example.ac.uk exists');
  });
});
