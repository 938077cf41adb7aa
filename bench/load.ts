import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method: 'GET' | 'DELETE';
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Keep every response time (measured runs; warm-ups do not need them). */
  recordLatencies?: boolean;
}

/** One autocannon run. */
export interface LoadSample {
  requests: number;
  /** autocannon's own measure of the run's length. */
  durationSeconds: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  latenciesMs: number[];
  /** performance.now() before autocannon starts and after it reports. */
  startedAt: number;
  endedAt: number;
}

/** Several runs of one scenario, combined. */
export interface LoadResult {
  /** Completed requests over measured seconds. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  measuredSeconds: number;
  /** From the start of the first run to the end of the last one. */
  spanSeconds: number;
  runs: number;
}

/** One autocannon run, in this process (the app under test is another process). */
export function load(options: LoadOptions): Promise<LoadSample> {
  const latenciesMs: number[] = [];
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method,
        headers: options.headers,
        connections: options.connections,
        duration: options.durationSeconds,
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = stats.count ?? 0;
        }
        resolve({
          requests: result.requests.total,
          durationSeconds: result.duration,
          non2xx: result.non2xx,
          errors: result.errors,
          statusCodes,
          latenciesMs,
          startedAt,
          endedAt: performance.now(),
        });
      },
    );
    if (options.recordLatencies) {
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        latenciesMs.push(responseTime);
      });
    }
  });
}

/** Sums counts, pools response times (exact percentiles) and divides requests by run time. */
export function combine(samples: LoadSample[]): LoadResult {
  if (samples.length === 0) throw new Error('no runs to combine');
  const statusCodes: Record<string, number> = {};
  let requests = 0;
  let measuredSeconds = 0;
  let non2xx = 0;
  let errors = 0;
  for (const s of samples) {
    requests += s.requests;
    measuredSeconds += s.durationSeconds;
    non2xx += s.non2xx;
    errors += s.errors;
    for (const [code, n] of Object.entries(s.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + n;
    }
  }
  const sorted = Float64Array.from(samples.flatMap((s) => s.latenciesMs)).sort();
  const percentile = (p: number): number =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
      : NaN;
  return {
    reqPerSec: requests / measuredSeconds,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    requests,
    non2xx,
    errors,
    statusCodes,
    measuredSeconds,
    spanSeconds:
      (Math.max(...samples.map((s) => s.endedAt)) - Math.min(...samples.map((s) => s.startedAt))) /
      1000,
    runs: samples.length,
  };
}
