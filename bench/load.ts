import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { GeneratorProbe, type GeneratorLoad } from './generator-load.js';

/** bench/wrk.lua, next to this file's source (dist-bench/bench/ → bench/). */
const SCRIPT = fileURLToPath(new URL('../../bench/wrk.lua', import.meta.url));
/** bench/ws-client.ts, built next to this file. */
const WS_CLIENT = fileURLToPath(new URL('./ws-client.js', import.meta.url));

export interface LoadOptions {
  url: string;
  method: 'GET' | 'DELETE' | 'POST';
  /** A JSON request body. */
  body?: string;
  /**
   * Several servers (`host:port`) sharing the load: one wrk thread each, with `connections` split
   * evenly (rounded up); with a rotation, thread i takes every n-th token from the i-th on, as a
   * round-robin balancer would deal the requests. Absent: one thread, to `url`'s server.
   */
  targets?: string[];
  connections: number;
  /** The status every response should have. */
  expectedStatus: number;
  /** Bearer tokens, one a line; absent: no Authorization header. */
  tokensFile?: string;
  /** Send the file's lines in turn from this byte offset (otherwise its first line every time). */
  rotateFrom?: number;
  /** With `rotateFrom`: each line is `<token> <proof>`, sent with the DPoP scheme and header. */
  dpop?: boolean;
  /** Run for this long (whole seconds: wrk's unit). */
  durationSeconds: number;
  /** Pin wrk to this CPU with taskset. */
  cpu?: number;
}

/** One wrk run. */
export interface LoadSample {
  requests: number;
  /** wrk's own measure of the run's length. */
  durationSeconds: number;
  /** Responses with the expected status (for a 2xx route: every response below 400). */
  expected: number;
  /** Other statuses, counted per status where wrk counted them, else as `>= 400`. */
  unexpected: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Tokens the rotation took (requests built, in flight at the end included). */
  tokensTaken: number;
  /** How hard wrk worked its CPU. */
  generator: GeneratorLoad;
  /** performance.now() before wrk starts and after it exits. */
  startedAt: number;
  endedAt: number;
}

/** Several runs of one scenario, combined. */
export interface LoadResult {
  /** Completed requests over measured seconds, all runs together. */
  reqPerSec: number;
  /** req/s of each run, in run order (one run per round): what the ratios pair up. */
  roundReqPerSec: number[];
  /** wrk's p99 of each run, in run order. */
  roundP99Ms: number[];
  /** Completed requests of each run, in run order. */
  roundRequests: number[];
  /** Medians over the runs of wrk's p50 and p99. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  expected: number;
  unexpected: Record<string, number>;
  errors: number;
  measuredSeconds: number;
  /** From the start of the first run to the end of the last one. */
  spanSeconds: number;
  /** From the start to the end of each run. */
  runSpansSeconds: number[];
  runs: number;
  /** The highest figures of wrk's runs (demand: when measured), and its CPU's load per run. */
  generator: { maxCpuShare: number; maxDemand?: number; coreBusy: number[] };
}

/** Completed requests per second of one run. */
export const sampleReqPerSec = (s: LoadSample): number => s.requests / s.durationSeconds;

/** What bench/wrk.lua's done() prints. */
interface WrkResult {
  requests: number;
  durationUs: number;
  statusErrors: number;
  socketErrors: number;
  p50Us: number;
  p99Us: number;
  taken: number;
  statuses: Record<string, number>;
}

/**
 * Makes sure `wrk` is on the PATH: when it is not, installs Debian's package with
 * `apt-get install -y wrk` and says so. Returns wrk's version line.
 */
export function ensureWrk(say: (text: string) => void): string {
  // `wrk -v` prints its version, then its usage, and exits with 1.
  const version = (): string | undefined =>
    spawnSync('wrk', ['-v'], { encoding: 'utf8' })
      .stdout?.split('\n')[0]
      .replace(/\s*Copyright.*$/, '') || undefined;
  const found = version();
  if (found) return found;
  say('wrk is missing: installing Debian’s package with `apt-get install -y wrk`…\n');
  execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const installed = version();
  if (!installed) throw new Error('wrk is still missing after `apt-get install -y wrk`');
  return installed;
}

function wrkArgs(options: LoadOptions, extra: string[]): string[] {
  const threads = options.targets?.length ?? 1;
  const connections = Math.ceil(options.connections / threads) * threads;
  const args = [
    ...['-t', String(threads), '-c', String(connections), '-d', `${options.durationSeconds}s`],
    ...['--timeout', '10s', '-s', SCRIPT, options.url, '--', `method=${options.method}`],
  ];
  if (options.body !== undefined) args.push(`body=${options.body}`);
  if (options.targets) args.push(`targets=${options.targets.join(',')}`);
  if (options.tokensFile) args.push(`tokens=${options.tokensFile}`);
  if (options.rotateFrom !== undefined) args.push('rotate=1', `offset=${options.rotateFrom}`);
  if (options.dpop) args.push('dpop=1');
  // Counting per status costs wrk a Lua call per response: only where 2xx is not the answer.
  if (options.expectedStatus >= 300) args.push('statuses=1');
  return [...args, ...extra];
}

/** Runs wrk (pinned with taskset when asked): its pid, and its stdout once it exited. */
function runWrk(
  options: LoadOptions,
  extra: string[] = [],
): { pid: number | undefined; output: Promise<string> } {
  return runGenerator(['wrk', ...wrkArgs(options, extra)], options.cpu);
}

/** Runs a load generator (pinned with taskset when asked): its pid, and its stdout once it exited. */
function runGenerator(
  commandLine: string[],
  cpu: number | undefined,
): { pid: number | undefined; output: Promise<string> } {
  const [command, ...rest] =
    cpu === undefined ? commandLine : ['taskset', '-c', String(cpu), ...commandLine];
  const name = commandLine[0] === 'wrk' ? 'wrk' : 'ws-client';
  const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${name} exited with ${code}: ${stderr.trim() || stdout.trim()}`));
    });
  });
  return { pid: child.pid, output };
}

/** One measured wrk run, with how hard wrk worked its CPU. */
export async function load(options: LoadOptions): Promise<LoadSample> {
  const probe = await GeneratorProbe.start(options.cpu);
  const startedAt = performance.now();
  const { pid, output } = runWrk(options);
  probe.watch(pid, options.durationSeconds);
  const stdout = await output;
  const endedAt = performance.now();
  const generator = await probe.finish();
  const line = stdout.split('\n').find((l) => l.startsWith('wrk-result '));
  if (!line) throw new Error(`wrk printed no result: ${stdout.trim()}`);
  const result = JSON.parse(line.slice('wrk-result '.length)) as WrkResult;
  const { expected, unexpected } = statusesOf(result, options.expectedStatus);
  return {
    requests: result.requests,
    durationSeconds: result.durationUs / 1e6,
    expected,
    unexpected,
    errors: result.socketErrors,
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    tokensTaken: result.taken,
    generator,
    startedAt,
    endedAt,
  };
}

/** A WebSocket run: round trips of one message on `connections` sockets (bench/ws-client.ts). */
export interface WsLoadOptions {
  /** `ws://host:port/path` */
  url: string;
  /** The token file; its first line goes in each handshake's `Authorization: Bearer`. */
  tokensFile: string;
  connections: number;
  durationSeconds: number;
  /** The message each round trip sends, and the `event` its answer should carry. */
  message: string;
  expectEvent: string;
  cpu?: number;
}

/** One measured WebSocket run, with how hard its client worked its CPU (as wrk's runs). */
export async function wsLoad(options: WsLoadOptions): Promise<LoadSample> {
  const probe = await GeneratorProbe.start(options.cpu);
  const startedAt = performance.now();
  const { url, tokensFile, connections, durationSeconds, message, expectEvent } = options;
  const { pid, output } = runGenerator(
    [
      process.execPath,
      WS_CLIENT,
      url,
      tokensFile,
      String(connections),
      String(durationSeconds),
      message,
      expectEvent,
    ],
    options.cpu,
  );
  probe.watch(pid, durationSeconds);
  const stdout = await output;
  const endedAt = performance.now();
  const generator = await probe.finish();
  const line = stdout.split('\n').find((l) => l.startsWith('ws-result '));
  if (!line) throw new Error(`ws-client printed no result: ${stdout.trim()}`);
  const result = JSON.parse(line.slice('ws-result '.length)) as WsResult;
  return {
    requests: result.requests,
    durationSeconds: result.durationUs / 1e6,
    expected: result.expected,
    unexpected: result.unexpected,
    errors: result.errors,
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    tokensTaken: 0,
    generator,
    startedAt,
    endedAt,
  };
}

/** What bench/ws-client.ts prints. */
interface WsResult {
  requests: number;
  durationUs: number;
  expected: number;
  unexpected: Record<string, number>;
  errors: number;
  p50Us: number;
  p99Us: number;
}

function statusesOf(
  result: WrkResult,
  expectedStatus: number,
): { expected: number; unexpected: Record<string, number> } {
  if (expectedStatus >= 300) {
    const { [String(expectedStatus)]: expected = 0, ...unexpected } = result.statuses;
    return { expected, unexpected };
  }
  const unexpected: Record<string, number> = result.statusErrors
    ? { '>= 400': result.statusErrors }
    : {};
  return { expected: result.requests - result.statusErrors, unexpected };
}

/**
 * A pass over a token rotation, not measured: `count` responses from byte `offset` on, then
 * wrk exits (bench/wrk.lua's stop=). Fails if the pass has not ended after `maxSeconds`.
 */
export async function pass(
  options: Omit<LoadOptions, 'durationSeconds'>,
  count: number,
  maxSeconds: number,
): Promise<void> {
  const { output } = runWrk({ ...options, durationSeconds: maxSeconds }, [`stop=${count}`]);
  const stdout = await output;
  if (!stdout.includes('wrk-pass-done')) {
    throw new Error(`a pass of ${count} requests did not end within ${maxSeconds} s`);
  }
}

/** Sums counts, takes the medians of the runs' percentiles and divides requests by run time. */
export function combine(samples: LoadSample[]): LoadResult {
  if (samples.length === 0) throw new Error('no runs to combine');
  const unexpected: Record<string, number> = {};
  for (const s of samples) {
    for (const [code, n] of Object.entries(s.unexpected))
      unexpected[code] = (unexpected[code] ?? 0) + n;
  }
  const sum = (pick: (s: LoadSample) => number): number =>
    samples.reduce((total, s) => total + pick(s), 0);
  const pick = (key: keyof GeneratorLoad): number[] =>
    samples.flatMap((s) => (s.generator[key] === undefined ? [] : [s.generator[key]]));
  const demand = pick('demand');
  const measuredSeconds = sum((s) => s.durationSeconds);
  return {
    reqPerSec: sum((s) => s.requests) / measuredSeconds,
    roundReqPerSec: samples.map(sampleReqPerSec),
    roundP99Ms: samples.map((s) => s.p99Ms),
    roundRequests: samples.map((s) => s.requests),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    requests: sum((s) => s.requests),
    expected: sum((s) => s.expected),
    unexpected,
    errors: sum((s) => s.errors),
    measuredSeconds,
    spanSeconds:
      (Math.max(...samples.map((s) => s.endedAt)) - Math.min(...samples.map((s) => s.startedAt))) /
      1000,
    runSpansSeconds: samples.map((s) => (s.endedAt - s.startedAt) / 1000),
    runs: samples.length,
    generator: {
      maxCpuShare: Math.max(...pick('cpuShare')),
      ...(demand.length ? { maxDemand: Math.max(...demand) } : {}),
      coreBusy: pick('coreBusy'),
    },
  };
}

/** The middle value (mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
