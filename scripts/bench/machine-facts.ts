import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';

import { findExecutable } from '../../src/portfolio/chromium-launch.ts';
import type { RunFacts } from './figure.ts';

/** Reads the CPU, memory and Chromium version of this machine; the caller adds the PostgreSQL version and the timings. */
export async function readMachineFacts(): Promise<Omit<RunFacts, 'postgresVersion' | 'date' | 'soak' | 'durationSeconds'>> {
  const cpus = os.cpus();
  const chromium = await findExecutable(undefined);
  const { stdout } = await promisify(execFile)(chromium, ['--version'], { timeout: 10_000 });
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    nodeVersion: process.version,
    chromiumVersion: stdout.trim(),
  };
}
