/** Returns the `fraction` quantile (0 to 1) of `values` by the nearest-rank method. */
export function quantile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Formats a number with thousands separators and `digits` decimals, in the en-GB style. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${formatNumber(ms / 1000, 2)} s`;
  return `${formatNumber(ms, ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`;
}

/** Formats bytes in megabytes of 1,000,000 bytes, the unit of the memory target. */
export function formatMegabytes(bytes: number): string {
  return `${formatNumber(bytes / 1_000_000, 0)} MB`;
}

/** Runs `task` `times` times one after another and returns each run's duration in milliseconds. */
export async function timeRuns(times: number, task: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const started = performance.now();
    await task(index);
    durations.push(performance.now() - started);
  }
  return durations;
}
