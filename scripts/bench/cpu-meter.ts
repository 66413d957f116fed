import { backendPids } from './bench-database.ts';
import type { BenchContext } from './bench-context.ts';
import { cpuMilliseconds, cpuUsedBetween, readCpuTimes } from './process-stats.ts';

/** CPU time, in milliseconds, that one phase of a figure used in each process that took part. */
export type CpuUse = { serviceMs: number; backendsMs: number; runnerMs: number };

/**
 * Runs `task` and measures the CPU time it cost the service process (when
 * `servicePid` is given), the PostgreSQL backends connected to the benchmark
 * database, and this process. A backend that connected during the task counts
 * in full. One that disconnected during it is missed, but under load the
 * pools keep their connections open.
 */
export async function meterCpu<T>(context: BenchContext, servicePid: number | null, task: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
  const backendsBefore = readCpuTimes(await backendPids(context.pool, context.databaseName));
  const serviceBefore = servicePid === null ? 0 : (cpuMilliseconds(servicePid) ?? 0);
  const runnerBefore = process.cpuUsage();

  const result = await task();

  const runner = process.cpuUsage(runnerBefore);
  const serviceAfter = servicePid === null ? 0 : (cpuMilliseconds(servicePid) ?? 0);
  const backendsAfter = readCpuTimes(new Set([...backendsBefore.keys(), ...(await backendPids(context.pool, context.databaseName))]));
  return {
    result,
    cpu: { serviceMs: serviceAfter - serviceBefore, backendsMs: cpuUsedBetween(backendsBefore, backendsAfter), runnerMs: (runner.user + runner.system) / 1000 },
  };
}
