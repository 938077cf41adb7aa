import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method: 'GET' | 'DELETE';
  headers: Record<string, string>;
  connections: number;
  /** Run for this long, unless `amount` is given. */
  durationSeconds?: number;
  /** Stop after this many requests instead (a pass over a token rotation). */
  amount?: number;
  /** Keep every response time (measured runs; warm-ups do not need them). */
  recordLatencies?: boolean;
  /** Each request's bearer token, asked for as autocannon builds the request (one per request). */
  nextToken?: () => string;
}

/**
 * autocannon builds a request once and resends its bytes, unless it has a setupRequest: then
 * each request is rebuilt, here with the next token of the rotation in its Authorization header.
 */
function requestsOf(nextToken: () => string): autocannon.Request[] {
  const setupRequest = (request: autocannon.Request): autocannon.Request => {
    request.headers = { ...request.headers, authorization: `Bearer ${nextToken()}` };
    return request;
  };
  return [{ setupRequest }];
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
  /** Completed requests over measured seconds, all runs together. */
  reqPerSec: number;
  /** req/s of each run, in run order (one run per round): what the ratios pair up. */
  roundReqPerSec: number[];
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  measuredSeconds: number;
  /** From the start of the first run to the end of the last one. */
  spanSeconds: number;
  /** From the start to the end of each run. */
  runSpansSeconds: number[];
  runs: number;
}

/** Completed requests per second of one run. */
export const sampleReqPerSec = (s: LoadSample): number => s.requests / s.durationSeconds;

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
        // Only what is set: an explicit undefined would replace autocannon's defaults.
        ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds }),
        ...(options.nextToken ? { requests: requestsOf(options.nextToken) } : {}),
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
    roundReqPerSec: samples.map(sampleReqPerSec),
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
    runSpansSeconds: samples.map((s) => (s.endedAt - s.startedAt) / 1000),
    runs: samples.length,
  };
}
