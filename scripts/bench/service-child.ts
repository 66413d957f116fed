import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export type ServiceChild = { pid: number; url: string; logTail: () => string; stop: () => Promise<void> };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts the benchmark's service entry (the service plus a hello-world route)
 * as its own process under this Node, and resolves once /health returns 200.
 * Its JSON log goes to `logFile`, so that logging costs what it costs in
 * production without filling this terminal.
 */
export async function startServiceChild(env: Record<string, string>, logFile: string): Promise<ServiceChild> {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  // --expose-gc only lets the memory route collect garbage on request; nothing else calls it.
  const child = spawn(process.execPath, ['--expose-gc', 'scripts/bench/bench-server.ts'], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const logTail = () => readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The benchmark service exited with code ${child.exitCode} before /health returned 200. The end of its log (${logFile}):\n${logTail()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The benchmark service did not return 200 from /health within ${START_TIMEOUT_MS / 1000} s. The end of its log (${logFile}):\n${logTail()}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return { pid: child.pid!, url, logTail, stop };
}
