import type { Memory } from './app-process.js';
import { median, type LoadResult } from './load.js';

/** Which server a scenario runs against: the API (several settings) or a ceiling. */
export type InstanceName =
  | 'tokens-100k'
  | 'tokens-10k'
  | 'cache-off'
  | 'ceiling-express'
  | 'cache-on'
  | 'cache-on-noflags'
  | 'fastify'
  | 'ceiling-fastify'
  | 'revocation'
  | 'dpop'
  | 'replicas-1'
  | 'replicas-3-redis'
  | 'replicas-3'
  | 'db-pglite'
  | 'db-postgres';

export type AdapterName = 'express' | 'fastify';

/** What an instance is; `database` names where its items live (absent: no I/O, or a ceiling). */
export interface InstanceKind {
  adapter: AdapterName;
  ceiling: boolean;
  database?: 'PGlite' | 'PostgreSQL';
  /** Processes of the same app sharing the load (default 1), and whether they share a Redis. */
  replicas?: number;
  redis?: boolean;
}

/**
 * What the report needs to know of each instance, in the order a round measures them on each
 * route. The order puts side by side the runs a target divides: cache-off next to tokens-10k
 * and to the Express ceiling, that ceiling next to cache-on, cache-on next to cache-on-noflags,
 * fastify next to its ceiling (and two runs from cache-on). A ceiling is bench/ceiling/main.ts:
 * a bare Nest app on the same adapter, serving the same routes and bodies with nothing else.
 * revocation (cache-on with 10,000 sessions revoked) comes two runs after cache-on, so the
 * flags' pair stays back to back; dpop (cache-on's route with a DPoP-bound token and a fresh
 * proof per request) right after it. The replica instances (issue 22) are compared among themselves
 * only, one replica first. The API instances up to replicas-3 run bench/api-no-io.ts (the app
 * with a repository without I/O); the database ones, last since no target divides them, run
 * `dist/main.js` itself.
 */
export const INSTANCES: Record<InstanceName, InstanceKind> = {
  'tokens-100k': { adapter: 'express', ceiling: false },
  'tokens-10k': { adapter: 'express', ceiling: false },
  'cache-off': { adapter: 'express', ceiling: false },
  'ceiling-express': { adapter: 'express', ceiling: true },
  'cache-on': { adapter: 'express', ceiling: false },
  'cache-on-noflags': { adapter: 'express', ceiling: false },
  revocation: { adapter: 'express', ceiling: false },
  dpop: { adapter: 'express', ceiling: false },
  fastify: { adapter: 'fastify', ceiling: false },
  'ceiling-fastify': { adapter: 'fastify', ceiling: true },
  'replicas-1': { adapter: 'express', ceiling: false },
  'replicas-3-redis': { adapter: 'express', ceiling: false, replicas: 3, redis: true },
  'replicas-3': { adapter: 'express', ceiling: false, replicas: 3 },
  'db-pglite': { adapter: 'express', ceiling: false, database: 'PGlite' },
  'db-postgres': { adapter: 'express', ceiling: false, database: 'PostgreSQL' },
};

/** An instance whose `GET /items` reads a database: reported on its own, with no target. */
export const readsDatabase = (name: InstanceName): boolean =>
  INSTANCES[name].database !== undefined;

/** An instance of the replica comparison (issue 22): reported on its own, against replicas-1. */
export const isReplicaScenario = (name: InstanceName): boolean => name.startsWith('replicas-');

/** How the route authenticates, which decides what Keycloak traffic is acceptable. */
export type RouteKind = 'public' | 'local' | 'introspected' | 'permission';

export interface Scenario {
  /** `<route>:<instance>`, route one of health, items, delete, create, graphql, ws. */
  id: string;
  label: string;
  instance: InstanceName;
  method: 'GET' | 'DELETE' | 'POST';
  path: string;
  /** A JSON request body. */
  body?: string;
  authenticated: boolean;
  kind: RouteKind;
  /** What the route does, for the table. */
  auth: string;
  /** The only status the run should see. */
  expectedStatus: number;
  /** Distinct tokens sent in rotation, one per request; absent: alice's one token. */
  tokens?: number;
  /** With `tokens`: each measured run sends one slice of this many, the next slice each run. */
  slice?: number;
  /** wrk's connections, when not the run's BENCH_CONNECTIONS. */
  connections?: number;
  /** A WebSocket scenario (bench/ws-client.ts, not wrk): the message and its answer's event. */
  ws?: { message: string; expectEvent: string };
}

/** Requests per stand-in endpoint during one measured run. */
export type KeycloakCounts = Record<string, number>;

export interface Measurement {
  scenario: Scenario;
  /** Every measured round of the scenario: pooled counts and latencies, and req/s per round. */
  load: LoadResult;
  keycloak: KeycloakCounts;
  /** CPU time of the app process (all its replicas) during the measured runs. */
  appCpuMs: number;
  /** The same, run by run. */
  roundAppCpuMs: number[];
  /** CPU time of the Redis the replicas share during the measured runs, when they share one. */
  redisCpuMs?: number;
  /** Distinct tokens each run sent (a slice's, or fewer if the run sent fewer requests). */
  roundTokens?: number[];
}

/** memory: after the runs; startMB: VmRSS once the app had started, before any load. */
export interface InstanceInfo {
  env: string;
  memory: Memory;
  startMB: number;
  /** What its `GET /items` answered before the runs (a database instance, once seeded). */
  items?: { count: number; bytes: number };
}

export interface RunInfo {
  date: string;
  /** The servers' Node version (and BENCH_NODE when it chose it). */
  node: string;
  /** This process's Node version: the stand-in's. */
  benchNode: string;
  /** wrk's version line. */
  generator: string;
  /** The busiest measured run of wrk: its CPU time over its wall time, and its core's load. */
  generatorLoad: {
    maxCpuShare: number;
    cpuScenario: string;
    /** The highest share of a run wrk's threads ran or waited to run (schedstat), where measured. */
    maxDemand?: number;
    demandScenario?: string;
    /** Its CPU's load (absent when not pinned): the highest, and the runs at >= 98 %. */
    core?: { max: number; saturatedRuns: number; runs: number };
  };
  /** BENCH_SMOKE=1: a check of the harness, not a measurement. */
  smoke: boolean;
  cpu: string;
  os: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  introspectionTtlSeconds: number;
  /** Wall time of the measuring program (builds not included). */
  benchSeconds: number;
  /** The instances that ran, in measuring order. */
  instances: Partial<Record<InstanceName, InstanceInfo>>;
  /** Why some instances did not run (BENCH_INSTANCES, BENCH_TOKENS=0, no start:prod flags). */
  skipped: string[];
  /** How the servers and the load generator were placed on CPUs. */
  pinning: string;
  /** Stand-in requests over the whole run, start-up and warm-ups included. */
  keycloakTotal: KeycloakCounts;
  /** The node flags of `npm run start:prod`, which every server but cache-on-noflags runs with. */
  productionFlags: string[];
  /** The distinct-token scenarios' tokens: how many were signed, and how long it took. */
  tokens?: { count: number; signSeconds: number };
  /** db-postgres would have run but BENCH_DATABASE_URL is not set. */
  postgresUrlMissing: boolean;
  revocation?: RevocationInfo;
  /** The version of the redis-server the replicas shared, when one ran. */
  redis?: string;
}

/** The revocation instance's set-up, and the lookup timed alone (issue 22). */
export interface RevocationInfo {
  /** Sessions logged out (back-channel logouts posted) before the runs, and how long it took. */
  sessions: number;
  postSeconds: number;
  /** `isRevoked` alone, ns per call: the list empty, and holding `sessions` sessions. */
  lookup?: { emptyNs: number; revokedNs: number; sessions: number };
}

export interface Target {
  text: string;
  pass: boolean;
  detail: string;
}

/** Middle value and range of per-round values. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

const RSS_LIMIT_MB = 200;
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

export const total = (counts: KeycloakCounts): number =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

/**
 * The Keycloak requests requests cause: all but key-set fetches, which an instance makes once its
 * keys are JWKS_MAX_AGE_SECONDS old (a full bench outlasts the default 600 s), not per request.
 */
export const requestDriven = (counts: KeycloakCounts): number => total(counts) - (counts.jwks ?? 0);

export const per1000 = (m: Measurement): number =>
  (total(m.keycloak) * 1000) / Math.max(m.load.requests, 1);

export function breakdown(counts: KeycloakCounts): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([endpoint, n]) => `${n} ${endpoint}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** The median and the range. */
export function spreadOf(values: number[]): Spread {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    rounds: values.length,
  };
}

/** "5,644 (4,268–6,122)": a spread's median and range (whole numbers unless `format` says). */
export const spreadRange = (s: Spread, format: Intl.NumberFormat = number): string =>
  `${format.format(s.median)} (${format.format(s.min)}–${format.format(s.max)})`;

/** App CPU µs per request of each run (all the scenario's processes). */
export const cpuPerRequest = (m: Measurement): number[] =>
  m.roundAppCpuMs.map((ms, i) => (ms * 1000) / Math.max(m.load.roundRequests[i], 1));

/** `m`'s CPU per request over `base`'s, round by round. */
export function cpuRatios(m: Measurement, base: Measurement): Spread {
  const a = cpuPerRequest(m);
  const b = cpuPerRequest(base);
  const n = Math.min(a.length, b.length);
  return spreadOf(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

/** The scenario's req/s over the rounds: each round's run is one value. */
export const reqPerSec = (m: Measurement): Spread => spreadOf(m.load.roundReqPerSec);

/**
 * `m`'s req/s over `base`'s, round by round: both ran in the same round, close in time, so the
 * machine's drift between rounds cancels out of each ratio.
 */
export function roundRatios(
  m: Measurement,
  base: Measurement,
  of: (load: LoadResult) => number[] = (load) => load.roundReqPerSec,
): Spread {
  const a = of(m.load);
  const b = of(base.load);
  const n = Math.min(a.length, b.length);
  return spreadOf(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

/** GET /health of the same instance; none when the instance does not serve it in the bench. */
function healthOf(m: Measurement, all: Measurement[]): Measurement | undefined {
  return all.find(
    (h) => h.scenario.instance === m.scenario.instance && h.scenario.kind === 'public',
  );
}

/** The ceiling's measurement of the same route on the same adapter; none for a ceiling. */
function ceilingOf(m: Measurement, all: Measurement[]): Measurement | undefined {
  const { adapter, ceiling } = INSTANCES[m.scenario.instance];
  if (ceiling) return undefined;
  return all.find(
    (c) =>
      INSTANCES[c.scenario.instance].ceiling &&
      INSTANCES[c.scenario.instance].adapter === adapter &&
      c.scenario.method === m.scenario.method &&
      c.scenario.path === m.scenario.path,
  );
}

export function statusSummary(m: Measurement): string {
  const codes = Object.entries(m.load.unexpected).map(
    ([code, n]) => `${number.format(n)} × ${code}`,
  );
  const errors = m.load.errors ? [`${number.format(m.load.errors)} errors`] : [];
  const all = [...codes, ...errors];
  return all.length ? all.join(', ') : '0';
}

/** The share of responses with the expected status; below 99 % the run measured something else. */
export function expectedShare(m: Measurement): number {
  return m.load.expected / Math.max(m.load.requests + m.load.errors, 1);
}

const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pct = (r: number): string => `${oneDecimal.format(r * 100)} %`;

/** "47.0 % (44.1–50.2)": the median per-round ratio and its range over the rounds. */
export const spreadPct = (s: Spread): string =>
  `${pct(s.median)} (${oneDecimal.format(s.min * 100)}–${oneDecimal.format(s.max * 100)})`;

/** "3.62× (3.20–4.04)": the same for a multiple. */
const spreadTimes = (s: Spread): string =>
  `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

const isProject = (name: InstanceName): boolean => !INSTANCES[name].ceiling;

/** Finds a scenario by id; undefined when its instance did not run (BENCH_INSTANCES). */
type Finder = (id: string) => Measurement | undefined;

/**
 * `m` reaches at least `min` of `base`'s req/s: the median of the per-round ratios decides; the
 * range and the median req/s of each side are the detail.
 */
function throughput(
  text: string,
  m: Measurement | undefined,
  base: Measurement | undefined,
  min: number,
): Target[] {
  if (!m || !base) return [];
  const r = roundRatios(m, base);
  return [
    {
      text,
      pass: r.median >= min,
      detail: `${spreadPct(r)}: median of ${r.rounds} per-round ratios (min–max); medians ${number.format(reqPerSec(m).median)} req/s on ${m.scenario.instance} vs ${number.format(reqPerSec(base).median)} on ${base.scenario.instance}`,
    },
  ];
}

/** The targets against the ceilings: what the API keeps of a bare Nest app's speed. */
function ceilingTargets(find: Finder): Target[] {
  const vsCeiling = (text: string, id: string, min: number): Target[] => {
    const m = find(id);
    if (!m) return [];
    const adapter = INSTANCES[m.scenario.instance].adapter;
    return throughput(text, m, find(id.replace(/:.*/, `:ceiling-${adapter}`)), min);
  };
  return [
    ...vsCeiling(
      "Express `GET /items`, token cache hit, ≥ 80 % of the ceiling's `GET /items` req/s",
      'items:cache-on',
      0.8,
    ),
    ...vsCeiling(
      "Express `GET /health` ≥ 85 % of the ceiling's `GET /health` req/s",
      'health:cache-on',
      0.85,
    ),
    ...vsCeiling(
      "Fastify `GET /items` ≥ 70 % of the Fastify ceiling's `GET /items` req/s",
      'items:fastify',
      0.7,
    ),
    ...vsCeiling(
      "Fastify `GET /health` ≥ 75 % of the Fastify ceiling's `GET /health` req/s",
      'health:fastify',
      0.75,
    ),
    ...vsCeiling(
      "Express `GET /items`, token cache off, ≥ 50 % of the ceiling's `GET /items` req/s",
      'items:cache-off',
      0.5,
    ),
    ...vsCeiling(
      "Express introspected `DELETE /items/999999` (answer cache on) ≥ 65 % of the ceiling's same route req/s",
      'delete:cache-on',
      0.65,
    ),
    ...p99Target('Express', find('items:cache-on'), find('items:ceiling-express')),
    ...p99Target('Fastify', find('items:fastify'), find('items:ceiling-fastify')),
  ];
}

/** `/items` p99 ≤ 2× the ceiling's: the median of the per-round p99 ratios decides. */
function p99Target(adapter: string, m?: Measurement, ceiling?: Measurement): Target[] {
  if (!m || !ceiling) return [];
  const r = roundRatios(m, ceiling, (load) => load.roundP99Ms);
  return [
    {
      text: `${adapter} \`GET /items\` p99 ≤ 2× the ${adapter} ceiling's \`GET /items\` p99`,
      pass: r.median <= 2,
      detail: `${spreadTimes(r)}: median of ${r.rounds} per-round ratios of wrk's p99 (min–max); medians ${oneDecimal.format(m.load.p99Ms)} ms on ${m.scenario.instance} vs ${oneDecimal.format(ceiling.load.p99Ms)} ms on ${ceiling.scenario.instance}`,
    },
  ];
}

/** Many users: 100,000 tokens (every request a miss) and 10,000 (all held). */
function distinctTokenTargets(find: Finder, info: RunInfo): Target[] {
  const many = info.instances['tokens-100k'];
  return [
    ...throughput(
      "Express `GET /items` with 100,000 distinct tokens in rotation (tokens-100k) ≥ 40 % of the ceiling's `GET /items` req/s",
      find('items:tokens-100k'),
      find('items:ceiling-express'),
      0.4,
    ),
    ...(many
      ? [
          {
            text: `Express \`GET /items\` with 100,000 distinct tokens in rotation: the API's peak RSS below ${RSS_LIMIT_MB} MB (tokens-100k)`,
            pass: many.memory.peakMB < RSS_LIMIT_MB,
            detail: memoryText(['tokens-100k', many]),
          },
        ]
      : []),
    ...throughput(
      'Express `GET /items` with 10,000 distinct tokens in rotation (tokens-10k) ≥ the token cache off (cache-off) req/s',
      find('items:tokens-10k'),
      find('items:cache-off'),
      1,
    ),
  ];
}

/** What the heap cap (and any other node flag of `start:prod`) costs in req/s. */
function nodeFlagsTargets(find: Finder, info: RunInfo): Target[] {
  if (info.productionFlags.length === 0) {
    return [
      {
        text: 'start:prod sets no V8 flags',
        pass: true,
        detail:
          'every server runs with the node flags of `npm run start:prod`, and there are none, so there is no cost to measure (no cache-on-noflags instance)',
      },
    ];
  }
  return throughput(
    `the start:prod node flags (\`${info.productionFlags.join(' ')}\`) cost < 3 %: Express \`GET /items\` (cache-on) ≥ 97 % of the same app without node flags (cache-on-noflags)`,
    find('items:cache-on'),
    find('items:cache-on-noflags'),
    0.97,
  );
}

/** Keycloak traffic of the API instances: none on local routes, ≤ 1 introspection per TTL. */
function keycloakTargets(all: Measurement[], info: RunInfo): Target[] {
  const project = all.filter((m) => isProject(m.scenario.instance));
  const locals = project.filter((m) => m.scenario.kind === 'public' || m.scenario.kind === 'local');
  const localKeycloak = locals.reduce((sum, m) => sum + requestDriven(m.keycloak), 0);
  const refreshes = locals.reduce((sum, m) => sum + (m.keycloak.jwks ?? 0), 0);
  const localRequests = locals.reduce((sum, m) => sum + m.load.requests, 0);
  const ttl = info.introspectionTtlSeconds;
  // The replica instances' introspected runs have targets of their own (bench/report-shared-state.ts).
  const introspected = project.filter(
    (m) => m.scenario.kind === 'introspected' && !isReplicaScenario(m.scenario.instance),
  );
  return [
    ...(locals.length
      ? [
          {
            text: '0 Keycloak requests per API request on locally validated routes (after warm-up)',
            pass: localKeycloak === 0,
            detail: `${localKeycloak} in ${number.format(localRequests)} requests to \`/health\` and \`/items\` on the API instances${refreshes ? `; not counted: ${refreshes} key-set refresh(es) (JWKS), which each instance starts in the background at its first signature check once its keys are JWKS_MAX_AGE_SECONDS (600 s) old, whatever the number of requests` : ''}`,
          },
        ]
      : []),
    ...introspected.map((del): Target => {
      const introspections = del.keycloak.introspect ?? 0;
      const tokens = 1;
      const elapsed = del.load.spanSeconds;
      // Answers are reused for ttl seconds, so calls are >= ttl apart: a window of t seconds
      // holds at most floor(t / ttl) + 1. Both the whole span from the first measured DELETE to
      // the end of the last and the measured runs one by one (the rounds between them send no
      // DELETE) give such a bound; the smaller one is the tighter.
      const bound = (seconds: number): number => Math.floor(seconds / ttl) + 1;
      const perRun = del.load.runSpansSeconds.reduce((sum, t) => sum + bound(t), 0);
      const allowed = tokens * Math.min(bound(elapsed), perRun);
      return {
        text: `≤ 1 introspection per token per TTL (${ttl} s) on the introspected route (${del.scenario.instance})`,
        pass: introspections <= allowed,
        detail: `${introspections} introspection(s) for ${tokens} token in ${del.load.runs} measured runs over ${oneDecimal.format(elapsed)} s (${number.format(del.load.requests)} requests); at most ${allowed} allowed`,
      };
    }),
  ];
}

const memoryText = ([name, { memory, startMB }]: [string, InstanceInfo]): string =>
  `${name}: peak ${oneDecimal.format(memory.peakMB)} MB (${oneDecimal.format(startMB)} MB after start-up, ${oneDecimal.format(memory.rssMB)} MB at the end)`;

const instanceEntries = (info: RunInfo): [InstanceName, InstanceInfo][] =>
  Object.entries(info.instances) as [InstanceName, InstanceInfo][];

/**
 * The memory of the API instances as deployed (cache-on-noflags' is in the node flags note, the
 * database instances' in their own table); only tokens-100k's is a target.
 */
function apiMemoryNote(info: RunInfo): string[] {
  const project = instanceEntries(info).filter(
    ([name]) => isProject(name) && name !== 'cache-on-noflags' && !readsDatabase(name),
  );
  if (!project.length) return [];
  return [`- API memory (VmHWM, peak RSS): ${project.map(memoryText).join('; ')}.`];
}

/**
 * The issue's targets whose inputs this run measured (BENCH_INSTANCES may leave some out); the
 * database instances have none.
 */
export function evaluateTargets(all: Measurement[], info: RunInfo): Target[] {
  const timed = all.filter((m) => !readsDatabase(m.scenario.instance));
  const find: Finder = (id) => timed.find((m) => m.scenario.id === id);
  return [
    ...ceilingTargets(find),
    ...distinctTokenTargets(find, info),
    ...keycloakTargets(timed, info),
    ...nodeFlagsTargets(find, info),
  ];
}

/** One table row: the median req/s and its range, then each ratio per round. */
function tableRow(m: Measurement, all: Measurement[]): string {
  const rate = reqPerSec(m);
  const health = healthOf(m, all);
  const ceiling = ceilingOf(m, all);
  const vsHealth = !health
    ? 'n/a'
    : health === m
      ? '100 % (baseline)'
      : spreadPct(roundRatios(m, health));
  const vsCeiling = INSTANCES[m.scenario.instance].ceiling
    ? '100 % (ceiling)'
    : ceiling
      ? spreadPct(roundRatios(m, ceiling))
      : 'n/a';
  return `| ${[
    m.scenario.label,
    m.scenario.instance,
    m.scenario.auth,
    number.format(rate.median),
    `${number.format(rate.min)}–${number.format(rate.max)}`,
    oneDecimal.format(m.load.p50Ms),
    oneDecimal.format(m.load.p99Ms),
    vsHealth,
    vsCeiling,
    number.format((m.appCpuMs * 1000) / Math.max(m.load.requests, 1)),
    `${per1000(m).toFixed(2)} (${breakdown(m.keycloak)})`,
    statusSummary(m),
    generatorCell(m),
  ].join(' | ')} |`;
}

/** "31 · 40": wrk's highest share of its CPU over the rounds, and its highest demand. */
function generatorCell(m: Measurement): string {
  const { maxCpuShare, maxDemand } = m.load.generator;
  const cpu = percent.format(maxCpuShare * 100);
  return maxDemand === undefined ? cpu : `${cpu} · ${percent.format(maxDemand * 100)}`;
}

function header(all: Measurement[], info: RunInfo): string[] {
  const roundSeconds = oneDecimal.format(info.durationSeconds / info.rounds);
  const order = Object.keys(info.instances).join(', ');
  return [
    `# Benchmark results, Node ${info.node}`,
    '',
    `Written by \`npm run bench\` (bench/run.ts), ${info.date}.`,
    '',
    ...(info.smoke
      ? [
          '**A smoke run (BENCH_SMOKE=1)**: it proves the harness works end to end; its few short runs measure nothing to go by.',
          '',
        ]
      : []),
    `- **Machine**: servers on Node ${info.node}, ${info.cpu}, ${info.os}. The load generator and the servers share it: wrk runs as a child of the bench process, which holds the Keycloak stand-in (Node ${info.benchNode}); each instance runs in its own child (\`node dist-bench/bench/api-no-io.js\` for the API without I/O, \`node dist/main.js\` for a database instance, \`node dist-bench/bench/ceiling/main.js\` for a ceiling). ${info.pinning}`,
    `- **Load**: ${info.generator}, one thread, ${info.connections} connections (the replica instances: their own number, a thread per replica; see their section), with bench/wrk.lua (the \`/ws\` scenarios: bench/ws-client.ts, as many sockets, in wrk's place). First a warm-up of every scenario (${info.warmupSeconds} s each, or one pass over its distinct tokens; not counted), then ${info.rounds} rounds; each round runs every scenario once for ${roundSeconds} s (${info.durationSeconds} s measured per scenario in all), route by route (\`/health\`, \`/items\`, \`DELETE\`, \`POST\`, \`/graphql\`, \`/ws\`) and on each route instance by instance (${order}), every other round in reverse order. So the two runs each target divides are measured one right after the other, and every scenario ran in every round. The table follows that order. p50 and p99 are wrk's for each run (its latency record, which wrk corrects for coordinated omission), given as the median over the rounds.`,
    ...generatorLines(info),
    `- **Instances**: ${instanceEntries(info)
      .map(([name, i]) => `${name} = ${i.env}`)
      .join(
        '; ',
      )}. Ceilings get the same requests, Authorization header included.${info.skipped.length ? ` Not run: ${info.skipped.join('; ')}.` : ''}`,
    '',
  ];
}

/** Below this share of its core, wrk was waiting for the server: it had room to send more. */
const GENERATOR_HEADROOM = 0.9;

/**
 * Whether the load generator kept up in every measured run, with the figures that show it. The
 * verdict goes by wrk's demand (running plus waiting to run) where it was measured: on a shared
 * machine wrk's CPU share alone could stay low because another process held its CPU.
 */
function generatorLines(info: RunInfo): string[] {
  const { maxCpuShare, cpuScenario, maxDemand, demandScenario, core } = info.generatorLoad;
  const limit = percent.format(GENERATOR_HEADROOM * 100);
  const verdict =
    (maxDemand ?? maxCpuShare) < GENERATOR_HEADROOM
      ? 'wrk had headroom in every run: the servers, not the load generator, set the rates'
      : maxCpuShare >= GENERATOR_HEADROOM
        ? `wrk used ${limit} % of its CPU or more in a run: it may have limited that run, and that scenario's figures may understate the server`
        : `wrk wanted its CPU ${limit} % of a run or more while using less: other processes held that CPU, so that run's rate may be understated; rerun on a quieter machine`;
  const demand =
    maxDemand === undefined
      ? ''
      : ` Its threads ran or waited to run at most ${percent.format(maxDemand * 100)} % of a run (${demandScenario}; /proc/<pid>/task/*/schedstat over the run less its first 250 ms and last 150 ms); the rest of the time wrk waited for answers.`;
  const shared = !core
    ? ''
    : ` Its CPU was at most ${percent.format(core.max * 100)} % busy in all (wrk, the kernel's loopback work, the stand-in and any other process of the machine, from /proc/stat)${core.saturatedRuns ? `, and ≥ 98 % busy in ${core.saturatedRuns} of ${core.runs} runs: other processes used its idle time, as they compete with the servers on theirs` : ''}.`;
  return [
    `- **Load generator headroom**: wrk used at most ${percent.format(maxCpuShare * 100)} % of one CPU in any measured run (${cpuScenario}; its CPU time over the run's wall time, from the bench process's children's times in /proc/self/stat).${demand}${shared} So ${verdict}. The table's last column gives each scenario's highest.`,
  ];
}

function notes(info: RunInfo): string[] {
  const ceilings = instanceEntries(info).filter(([name]) => !isProject(name));
  return [
    '## Notes',
    '',
    '- **Ratios are per round.** The machine\'s speed drifts by ±20 % and more between seconds, so no ratio divides two medians: each round gives one ratio from two runs of that round (for "vs ceiling", the ceiling\'s run of the same route right before or after the API\'s; for "vs `/health`", the same instance\'s `/health` run of that round), and the table and targets show the median of those per-round ratios with their range (min–max) over the rounds. A target passes on the median. req/s is the median of the per-round req/s, with their range. The "vs `/health`" column (each route against `GET /health` of the same process, same round) is for reading only: the issue\'s targets are against the ceilings.',
    "- `DELETE /items/999999` is the introspected route (`@Roles('api-admin')` + `@RequireActiveToken()`): JWT check, role check, introspection (answer cached for the TTL), then 404 from the handler. The 404 keeps the data set constant; it is the expected answer, not an error.",
    "- **The authentication ratios are measured on a handler without I/O.** Every API instance of the table above runs bench/api-no-io.ts: the built app of `dist/` (AppModule with its real guards, pipes, filters and the same ItemsController, `createHttpAdapter`, `configureApp`, start:prod's node flags), started as `src/main.ts` starts it, with two providers swapped as the e2e tests swap them: `ItemsRepository` is a fixed list of 20 items answered without I/O, so `GET /items` sends the ceiling's body byte for byte (checked before the runs) and `DELETE /items/999999` stays a 404. Why: a query would add its own cost and its own noise to the API's side of each ratio while the ceiling reads nothing, so the ratios would price the database rather than what the API adds around a handler. The database route is measured apart, on the real `dist/main.js` (Items from the database, above). The database connection opens nothing there either: embedded PGlite's WebAssembly memory (about 0.5 GB after an in-memory initdb) would otherwise be most of every RSS figure, and the memory targets are about the authentication stack. The database's memory is in the table of its own.",
    '- The ceilings (bench/ceiling/) are bare Nest apps on the adapter\'s defaults: two controllers returning the API\'s bodies (`{"status":"ok"}`, the 20 items of bench/items-fixture.ts, Nest\'s 404), no guards, pipes, filters, middleware, CORS or docs. "vs ceiling" is the share of a bare Nest app\'s speed the API keeps on the same route and adapter; the rest is the price of what the API adds.',
    ...(ceilings.length
      ? [`- Ceiling memory (not held to the RSS target): ${ceilings.map(memoryText).join('; ')}.`]
      : []),
    ...apiMemoryNote(info),
    ...tokenNotes(info),
    nodeFlagsNote(info),
    '- App CPU µs per request: user + system time of the app process (every thread: GC, the libuv pool that runs WebCrypto) over the measured runs, divided by the requests; it tells the cost of a route even when the app does not get a whole core.',
    `- Keycloak stand-in requests over the whole run, start-up and warm-ups included: ${breakdown(info.keycloakTotal)}. Per scenario, the counts cover its measured runs and one awaited request after each, so a call started by a request wrk abandoned is not put on the next scenario's account.`,
    `- The measuring program took ${oneDecimal.format(info.benchSeconds)} s (the \`tsc\` builds before it not included).`,
    '- Noise: even per round, a ratio moves by several points from round to round (see each range); a median within about 5 points of its target is no clear PASS or MISS: rerun, or raise BENCH_ROUNDS. Compare ratios, not absolute req/s, across machines.',
    '',
  ];
}

function tokenNotes(info: RunInfo): string[] {
  if (!info.tokens) return [];
  const ran = (name: InstanceName): boolean => info.instances[name] !== undefined;
  return [
    `- Distinct tokens: ${number.format(info.tokens.count)} real RS256 access tokens of alice (each its own \`jti\` and \`sid\`, valid 1 h), signed with the stand-in's realm key in the bench process in ${oneDecimal.format(info.tokens.signSeconds)} s, before any server started (WebCrypto signs on libuv's pool, so both CPUs work). Each request of tokens-10k and tokens-100k carries the next token, round robin over its set, carrying on from run to run; its warm-up is one pass over the whole set, so every token had been sent before the measured rounds. The replica instances send theirs by slices (their section).`,
    ...(ran('tokens-10k') ? [TOKENS_10K_NOTE] : []),
    ...(ran('tokens-100k') ? [TOKENS_100K_NOTE] : []),
  ];
}

const TOKENS_10K_NOTE =
  "- tokens-10k runs in its own process, so no other token shares its cache: with alice's token also in it, 10,001 tokens in rotation through a 10,000-entry LRU would miss on every request. Its cache has the default size, exactly its set, and TOKEN_CACHE_MAX_AGE_SECONDS=3600: with the default 60 s, entries verified in the warm-up would expire between the interleaved rounds (a hit does not renew an entry), and each run would measure a hit rate set by the bench's schedule rather than by the cache. So it measures 10,000 tokens all held, every request a hit in a full cache.";

const TOKENS_100K_NOTE =
  "- tokens-100k has ten times more tokens than its cache (default settings) holds, so in rotation every request misses, verifies the signature and evicts the oldest entry; its peak RSS is its own process's.";

function nodeFlagsNote(info: RunInfo): string {
  const flags = info.productionFlags;
  if (!flags.length) {
    return '- Node flags: `npm run start:prod` sets none, so every server runs with none.';
  }
  const noFlags = instanceEntries(info).filter(([name]) => name === 'cache-on-noflags');
  const memory = noFlags.length
    ? ` Its memory is not held to the RSS target (production runs with the flags): ${noFlags.map(memoryText).join('; ')}.`
    : '';
  return `- Node flags: every server runs with those of \`npm run start:prod\` (\`${flags.join(' ')}\`), except cache-on-noflags, the same app as cache-on with no node flags at all, which prices them.${memory}`;
}

/** One row of the database table: req/s, latency, CPU and memory, and the cost against no I/O. */
function databaseRow(m: Measurement, info: RunInfo, noIo: Measurement | undefined): string {
  const rate = reqPerSec(m);
  const instance = info.instances[m.scenario.instance];
  const items = instance?.items;
  const where =
    INSTANCES[m.scenario.instance].database === 'PGlite'
      ? 'PGlite in the API process (a folder another process created and migrated)'
      : 'PostgreSQL (BENCH_DATABASE_URL), its own processes';
  return `| ${[
    m.scenario.instance,
    where,
    items ? `${items.count} (${number.format(items.bytes)} B)` : 'n/a',
    number.format(rate.median),
    `${number.format(rate.min)}–${number.format(rate.max)}`,
    oneDecimal.format(m.load.p50Ms),
    oneDecimal.format(m.load.p99Ms),
    noIo ? spreadPct(roundRatios(m, noIo)) : 'n/a (cache-on did not run)',
    number.format((m.appCpuMs * 1000) / Math.max(m.load.requests, 1)),
    instance
      ? `${oneDecimal.format(instance.memory.peakMB)} (${oneDecimal.format(instance.startMB)})`
      : 'n/a',
    statusSummary(m),
  ].join(' | ')} |`;
}

/**
 * `GET /items` read from PGlite and PostgreSQL by the real `dist/main.js`: a table of its own,
 * with no target and no ceiling ratio; says how to get db-postgres when it could not run.
 */
function databaseSection(all: Measurement[], info: RunInfo): string[] {
  const rows = all.filter((m) => readsDatabase(m.scenario.instance));
  if (!rows.length && !info.postgresUrlMissing) return [];
  const noIo = all.find((m) => m.scenario.id === 'items:cache-on');
  const lines = ['## Items from the database', ''];
  if (rows.length) {
    lines.push(
      "`GET /items` with alice's token (a verified-token cache hit) on the real app, `node dist/main.js` (Express, default settings, start:prod's node flags), reading the first page of items through Drizzle; before the runs, each database was seeded with `POST /items` until that page held 20 items. Measured in the same rounds as the instances above, with the same load. No target and no ceiling ratio (the ceiling reads no database); the ratio against cache-on (the same route, app and body, with the repository without I/O, in the same round) is what reading the database costs.",
      '',
      '| instance | database | items per response (body) | req/s (median of rounds) | req/s (min–max) | p50 ms | p99 ms | req/s vs cache-on `GET /items`, no I/O (per round: median, min–max) | app CPU µs per request | peak RSS MB (after start-up) | other answers than expected |',
      '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
      ...rows.map((m) => databaseRow(m, info, noIo)),
      '',
      "- PGlite (in `dist-bench/pglite`, created and migrated by `node dist/database/cli.js migrate` before the app starts, as a restarted `npm run stack` finds it) runs inside the API process, on the server's CPU: its work is in the app CPU column and its memory in the RSS. PostgreSQL runs in its own processes, which the bench neither starts nor pins: their CPU time and memory are in neither column, and they share the CPUs with wrk, the stand-in and the server.",
    );
  }
  if (info.postgresUrlMissing) {
    lines.push(
      '- db-postgres did not run: BENCH_DATABASE_URL is not set. `bash scripts/postgres.sh start` starts a throw-away local PostgreSQL and prints `DATABASE_URL=postgres://…`; give that URL to the bench as `BENCH_DATABASE_URL=postgres://… npm run bench`, then `bash scripts/postgres.sh stop`. The bench adds items to that database (up to 20 on the first page).',
    );
  }
  return [...lines, ''];
}

/** The report; `sections` (each a list of lines) go after the tables, before the targets. */
export function renderMarkdown(
  all: Measurement[],
  info: RunInfo,
  targets: Target[],
  sections: string[] = [],
): string {
  const lines = header(all, info);
  lines.push(
    '| scenario | instance | authentication | req/s (median of rounds) | req/s (min–max) | p50 ms | p99 ms | req/s vs `/health`, same instance (per round: median, min–max) | req/s vs ceiling, same route and adapter (per round: median, min–max) | app CPU µs per request | Keycloak requests per 1,000 API requests | other answers than expected | wrk: % of a CPU · % of the time running or waiting to run (max of rounds) |',
    '| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: | --- | --- | --: |',
  );
  for (const m of all) {
    const { instance } = m.scenario;
    if (!readsDatabase(instance) && !isReplicaScenario(instance)) lines.push(tableRow(m, all));
  }
  lines.push('', ...databaseSection(all, info), ...sections, '## Targets', '');
  for (const t of targets) lines.push(`- **${t.pass ? 'PASS' : 'MISS'}** ${t.text}: ${t.detail}`);
  lines.push('', ...notes(info));
  return lines.join('\n');
}
