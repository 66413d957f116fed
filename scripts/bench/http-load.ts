import autocannon, { type AutocannonRequest } from 'autocannon';

export type HttpLoad = {
  url: string;
  connections: number;
  /** Requests to send in all; the load also stops after `maxSeconds`, whichever comes first. */
  amount: number;
  maxSeconds: number;
  requests: AutocannonRequest[];
};

export type LoadResult = {
  completed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors, timeouts and non-2xx responses, described for the table's note, or null when every request got a 2xx response. */
  failures: string | null;
};

/** Drives HTTP load with autocannon from this process, bounded by `amount` requests and `maxSeconds`. */
export async function driveHttpLoad(load: HttpLoad): Promise<LoadResult> {
  const instance = autocannon({ url: load.url, connections: load.connections, amount: load.amount, timeout: 30, requests: load.requests });
  const timer = setTimeout(() => instance.stop(), load.maxSeconds * 1000);
  let result;
  try {
    result = await instance;
  } finally {
    clearTimeout(timer);
  }

  const completed = result.requests.total;
  const faults = [
    result.errors > 0 ? `${result.errors} connection errors` : null,
    result.timeouts > 0 ? `${result.timeouts} timeouts` : null,
    result.non2xx > 0 ? `${result.non2xx} non-2xx responses (${result['4xx']} 4xx, ${result['5xx']} 5xx)` : null,
  ].filter((fault) => fault !== null);
  return {
    completed,
    seconds: result.duration,
    perSecond: result.duration > 0 ? completed / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: faults.length === 0 ? null : faults.join(', '),
  };
}
