// The part of autocannon 9's programmatic interface that the benchmark uses; the package ships no types.
declare module 'autocannon' {
  export type AutocannonRequest = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  };

  export type AutocannonOptions = {
    url: string;
    connections?: number;
    amount?: number;
    duration?: number;
    /** Seconds a request may take before it counts as a timeout. */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: AutocannonRequest[];
  };

  /** Percentiles in milliseconds (latency) or per second (requests), keyed p50, p90, p99 and so on. */
  export type Histogram = { average: number; mean: number; min: number; max: number; total: number; p50: number; p90: number; p99: number; [percentile: string]: number };

  export type AutocannonResult = {
    /** Seconds from the first request to the end. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    latency: Histogram;
    requests: Histogram & { sent: number };
  };

  export type AutocannonInstance = PromiseLike<AutocannonResult> & { stop: () => void };

  export default function autocannon(options: AutocannonOptions): AutocannonInstance;
}
