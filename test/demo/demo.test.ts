import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../support/service-process.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Starts the demo as the README's first command does, and resolves once its output reports that it is serving. */
async function runDemo(dataDir: string, port: number, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['scripts/demo.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 90_000;
  while (!output.includes('Press Ctrl+C to stop.') && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { output: () => output, exited, stop: () => child.kill('SIGTERM') };
}

describe('demo', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'waymark-demo-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the seeded example', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const demo = await runDemo(dataDir, port);
    try {
      expect(demo.output()).toContain(`Waymark is running at http://127.0.0.1:${port}`);
      const token = /quality_group[\s\S]*?token:\s+(wm_\S+)/.exec(demo.output())?.[1];
      expect(token).toBeDefined();
      const password = /lead@northgate\.example\.ac\.uk\s+password: (\S+)/.exec(demo.output())?.[1];
      expect(password).toBeDefined();

      const listed = await fetch(`http://127.0.0.1:${port}/api/applications`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { total: number }).total).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
    } finally {
      demo.stop();
    }
    expect(await demo.exited).toBe(0);
  });

  it('reuses the data on a second run', { timeout: 120_000 }, async () => {
    const demo = await runDemo(dataDir, await freePort());
    demo.stop();

    expect(demo.output()).toContain('Using the data already there');
    expect(await demo.exited).toBe(0);
  });
});
