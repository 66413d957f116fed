import { readFileSync } from 'node:fs';

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** Reads a process's resident memory from /proc (Linux only), in bytes, or null once it has exited. */
export function residentBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** Reads a process's user plus system CPU time from /proc (Linux only), in milliseconds, or null once it has exited. */
export function cpuMilliseconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in brackets may contain spaces, so the fields are counted from its closing bracket.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name, utime and stime are the 12th and 13th fields.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Reads the CPU time of each of `pids` now, in milliseconds, leaving out those that have exited. */
export function readCpuTimes(pids: Iterable<number>): Map<number, number> {
  const readings = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMilliseconds(pid);
    if (ms !== null) readings.set(pid, ms);
  }
  return readings;
}

/**
 * Returns the CPU time `pids` used between two readings, in milliseconds. A
 * process missing from `before` started in between and counts in full; one
 * missing from `after` exited in between and is left out.
 */
export function cpuUsedBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
  return used;
}

/** Lists the process ids of `pid` and all its descendants, from /proc (Linux only). */
export function processTree(pid: number): number[] {
  const found = [pid];
  for (let index = 0; index < found.length; index += 1) {
    try {
      for (const task of readFileSync(`/proc/${found[index]}/task/${found[index]}/children`, 'utf8').split(' ')) {
        if (task.trim() !== '') found.push(Number(task));
      }
    } catch {
      // The process exited while the tree was read.
    }
  }
  return found;
}

/** Samples the peak resident memory of one process every `intervalMs` until `stop` is called. */
export function watchPeakResident(pid: number, intervalMs = 100): { stop: () => { peakBytes: number; samples: number } } {
  let peakBytes = residentBytes(pid) ?? 0;
  let samples = 1;
  const timer = setInterval(() => {
    peakBytes = Math.max(peakBytes, residentBytes(pid) ?? 0);
    samples += 1;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      peakBytes = Math.max(peakBytes, residentBytes(pid) ?? 0);
      return { peakBytes, samples: samples + 1 };
    },
  };
}

/** Describes how a process's resident memory splits into anonymous memory (heaps) and mapped files, from /proc (Linux only). */
export function describeResident(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) / 1000;
    return `Resident now: ${Math.round(field('RssAnon'))} MB anonymous (heaps), ${Math.round(field('RssFile'))} MB mapped files; peak over the process's life ${Math.round(field('VmHWM'))} MB.`;
  } catch {
    return 'The process exited before its memory could be read.';
  }
}
