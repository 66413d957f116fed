import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.ts';
import { FIXTURE_STANDARDS_DIR } from '../support/test-app.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Returns the ConfigError that loadConfig raises for `env`, failing the test if it raises none. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults', () => {
    const config = loadConfig({});

    expect(config.databaseUrl).toBeNull();
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.logLevel).toBe('info');
    expect(config.jsonMaxBytes).toBe(1_048_576);
    expect(config.standardsDir).toBeNull();
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '  ', LOG_LEVEL: '', JSON_MAX_BYTES: ' ', STANDARDS_DIR: '' });

    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe('info');
    expect(config.jsonMaxBytes).toBe(1_048_576);
    expect(config.standardsDir).toBeNull();
  });

  it('reads valid settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://waymark@127.0.0.1:5432/waymark',
      HOST: '0.0.0.0',
      PORT: ' 8080 ',
      DATA_DIR: 'var/waymark',
      LOG_LEVEL: 'DEBUG',
      JSON_MAX_BYTES: '2048',
      STANDARDS_DIR: 'test/fixtures/standards',
    });

    expect(config.databaseUrl).toBe('postgresql://waymark@127.0.0.1:5432/waymark');
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe(path.resolve('var/waymark'));
    expect(config.logLevel).toBe('debug');
    expect(config.jsonMaxBytes).toBe(2048);
    expect(config.standardsDir).toBe(path.resolve('test/fixtures/standards'));
  });

  it('accepts the range limits', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ JSON_MAX_BYTES: '1' }).jsonMaxBytes).toBe(1);
    expect(loadConfig({ JSON_MAX_BYTES: '1073741824' }).jsonMaxBytes).toBe(1_073_741_824);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['JSON_MAX_BYTES', '1.5'],
    ['JSON_MAX_BYTES', '-3'],
    ['JSON_MAX_BYTES', '0'],
    ['JSON_MAX_BYTES', '1073741825'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
  ])('rejects %s=%s', (name, value) => {
    const error = configError({ [name]: value });

    expect(error.faults).toHaveLength(1);
    expect(error.faults[0]).toContain(name);
    expect(error.faults[0]).toContain(`"${value}"`);
    expect(error.message).toContain(error.faults[0]);
  });

  it('masks DATABASE_URL credentials', () => {
    const error = configError({ DATABASE_URL: 'mysql://waymark:s3cret@db.example.org.uk/waymark' });

    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('"mysql://***@db.example.org.uk/waymark"');
  });

  it('lists several faults together', () => {
    const error = configError({ PORT: 'abc', JSON_MAX_BYTES: '-3', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });

    expect(error.faults).toHaveLength(4);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid settings:');
    expect(lines.some((line) => line.includes('PORT="abc"'))).toBe(true);
    expect(lines.some((line) => line.includes('JSON_MAX_BYTES="-3"'))).toBe(true);
    expect(lines.some((line) => line.includes('LOG_LEVEL="loud"'))).toBe(true);
    expect(lines.some((line) => line.includes('DATABASE_URL="mysql://x"'))).toBe(true);
  });
});

type Finished = { code: number | null; stdout: string; stderr: string };

/** Starts `src/server.ts` with `env` and waits for it to exit, killing it if it is still running after 60 s. */
function runServer(env: Record<string, string>): Promise<Finished> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('server start with faulty settings', () => {
  const folders: string[] = [];
  const tempFolder = (prefix: string) => {
    const folder = mkdtempSync(path.join(tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };

  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('stops on PORT=abc', async () => {
    const dataDir = tempFolder('waymark-config-');

    const result = await runServer({ PORT: 'abc', DATA_DIR: dataDir });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid settings:');
    expect(result.stderr).toContain('PORT="abc" is invalid');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('"level"');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('stops on a duplicate standard code', async () => {
    const dataDir = tempFolder('waymark-config-');
    const standardsDir = tempFolder('waymark-standards-');
    const standard = JSON.parse(readFileSync(path.join(FIXTURE_STANDARDS_DIR, 'library-service-mark.json'), 'utf8'));
    // B.2 becomes a second B.1 under the same dimension.
    standard.criteria[1].children[1].code = standard.criteria[1].children[0].code;
    const file = path.join(standardsDir, 'library-service-mark.json');
    writeFileSync(file, JSON.stringify(standard, null, 2));

    const result = await runServer({ STANDARDS_DIR: standardsDir, DATA_DIR: dataDir, PORT: '0' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Standard file ${file}`);
    expect(result.stderr).toContain('criteria[1].children[1]');
    expect(result.stderr).toContain('duplicate code "B.1"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // Standards load before the database opens, so the data folder stays empty.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('stops on a missing STANDARDS_DIR', async () => {
    const dataDir = tempFolder('waymark-config-');
    const missing = path.join(dataDir, 'no-such-folder');

    const result = await runServer({ STANDARDS_DIR: missing, DATA_DIR: dataDir });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`STANDARDS_DIR="${missing}" is not a readable folder`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops on a port in use', async () => {
    const dataDir = tempFolder('waymark-config-');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;

    try {
      const result = await runServer({ PORT: String(port), DATA_DIR: dataDir });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(path.join(dataDir, 'waymark.pid'))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 120_000);
});
