import type { Memory } from './app-process.js';
import type { LoadResult } from './load.js';

/** Which server a scenario runs against: the API (three settings) or a ceiling. */
export type InstanceName =
  'ceiling-express' | 'cache-on' | 'cache-off' | 'ceiling-fastify' | 'fastify';

export type AdapterName = 'express' | 'fastify';

/**
 * What the report needs to know of each instance. A ceiling is bench/ceiling/main.ts: a bare
 * Nest app on the same adapter, serving the same routes and bodies with nothing else.
 */
export const INSTANCES: Record<InstanceName, { adapter: AdapterName; ceiling: boolean }> = {
  'ceiling-express': { adapter: 'express', ceiling: true },
  'cache-on': { adapter: 'express', ceiling: false },
  'cache-off': { adapter: 'express', ceiling: false },
  'ceiling-fastify': { adapter: 'fastify', ceiling: true },
  fastify: { adapter: 'fastify', ceiling: false },
};

/** How the route authenticates, which decides what Keycloak traffic is acceptable. */
export type RouteKind = 'public' | 'local' | 'introspected';

export interface Scenario {
  id: string;
  label: string;
  instance: InstanceName;
  method: 'GET' | 'DELETE';
  path: string;
  authenticated: boolean;
  kind: RouteKind;
  /** What the route does, for the table. */
  auth: string;
  /** The only status the run should see. */
  expectedStatus: number;
}

/** Requests per stand-in endpoint during one measured run. */
export type KeycloakCounts = Record<string, number>;

export interface Measurement {
  scenario: Scenario;
  load: LoadResult;
  keycloak: KeycloakCounts;
  /** CPU time of the app process during the measured runs. */
  appCpuMs: number;
}

export interface RunInfo {
  date: string;
  node: string;
  cpu: string;
  os: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  introspectionTtlSeconds: number;
  /** Wall time of the measuring program (builds not included). */
  benchSeconds: number;
  /** memory: after the runs; startMB: VmRSS once the app had started, before any load. */
  instances: Record<InstanceName, { env: string; memory: Memory; startMB: number }>;
  /** How the servers and the load generator were placed on CPUs. */
  pinning: string;
  /** Stand-in requests over the whole run, start-up and warm-ups included. */
  keycloakTotal: KeycloakCounts;
}

export interface Target {
  text: string;
  pass: boolean;
  detail: string;
}

const RSS_LIMIT_MB = 200;
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

export const total = (counts: KeycloakCounts): number =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

const per1000 = (m: Measurement): number =>
  (total(m.keycloak) * 1000) / Math.max(m.load.requests, 1);

function breakdown(counts: KeycloakCounts): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([endpoint, n]) => `${n} ${endpoint}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** req/s of the scenario over req/s of GET /health on the same instance. */
export function ratio(m: Measurement, all: Measurement[]): number | undefined {
  const health = all.find(
    (h) => h.scenario.instance === m.scenario.instance && h.scenario.kind === 'public',
  );
  return health ? m.load.reqPerSec / health.load.reqPerSec : undefined;
}

/** The ceiling's measurement of the same route on the same adapter; none for a ceiling. */
export function ceilingOf(m: Measurement, all: Measurement[]): Measurement | undefined {
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

/** req/s of the scenario over req/s of the same route on the ceiling of the same adapter. */
export function ceilingRatio(m: Measurement, all: Measurement[]): number | undefined {
  const c = ceilingOf(m, all);
  return c ? m.load.reqPerSec / c.load.reqPerSec : undefined;
}

function statusSummary(m: Measurement): string {
  const codes = Object.entries(m.load.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${number.format(n)} × ${code}`);
  const errors = m.load.errors ? [`${number.format(m.load.errors)} errors`] : [];
  const all = [...codes, ...errors];
  return all.length ? all.join(', ') : '0';
}

/** The share of responses with the expected status; below 99 % the run measured something else. */
export function expectedShare(m: Measurement): number {
  const expected = m.load.statusCodes[String(m.scenario.expectedStatus)] ?? 0;
  return expected / Math.max(m.load.requests + m.load.errors, 1);
}

const pct = (r: number | undefined): string =>
  r === undefined ? 'n/a' : `${oneDecimal.format(r * 100)} %`;

/** Scenario ids are `<route>:<instance>`, route one of health, items, delete. */
function finder(all: Measurement[]): (id: string) => Measurement {
  return (id) => {
    const m = all.find((x) => x.scenario.id === id);
    if (!m) throw new Error(`scenario ${id} missing`);
    return m;
  };
}

const isProject = (m: Measurement): boolean => !INSTANCES[m.scenario.instance].ceiling;

/** `m` reaches at least `min` of `base`'s req/s (`base` defaults to the ceiling's same route). */
function throughput(
  text: string,
  m: Measurement,
  base: Measurement,
  min: number,
  baseName: string = base.scenario.instance,
): Target {
  const r = m.load.reqPerSec / base.load.reqPerSec;
  return {
    text,
    pass: r >= min,
    detail: `${pct(r)} (${number.format(m.load.reqPerSec)} req/s on ${m.scenario.instance} vs ${number.format(base.load.reqPerSec)} on ${baseName})`,
  };
}

/** The targets against each instance's own `GET /health` (the bench's first targets). */
function ownHealthTargets(find: (id: string) => Measurement): Target[] {
  return [
    throughput(
      '`GET /items` with the token cache on ≥ 90 % of `GET /health` req/s',
      find('items:cache-on'),
      find('health:cache-on'),
      0.9,
    ),
    throughput(
      '`GET /items` with the token cache off ≥ 60 % of `GET /health` req/s',
      find('items:cache-off'),
      find('health:cache-off'),
      0.6,
    ),
  ];
}

/** The targets against the ceilings: what the API keeps of a bare Nest app's speed. */
function ceilingTargets(find: (id: string) => Measurement): Target[] {
  const vsCeiling = (text: string, id: string, min: number): Target => {
    const m = find(id);
    return throughput(
      text,
      m,
      find(id.replace(/:.*/, `:ceiling-${INSTANCES[m.scenario.instance].adapter}`)),
      min,
    );
  };
  const p99 = (text: string, id: string): Target => {
    const m = find(id);
    const c = find(`items:ceiling-${INSTANCES[m.scenario.instance].adapter}`);
    const r = m.load.p99Ms / c.load.p99Ms;
    return {
      text,
      pass: r <= 1.5,
      detail: `${oneDecimal.format(r)}× (${oneDecimal.format(m.load.p99Ms)} ms on ${m.scenario.instance} vs ${oneDecimal.format(c.load.p99Ms)} ms on ${c.scenario.instance})`,
    };
  };
  return [
    vsCeiling(
      "Express `GET /items`, token cache on, ≥ 90 % of the ceiling's `GET /items` req/s",
      'items:cache-on',
      0.9,
    ),
    vsCeiling(
      "Express `GET /health` ≥ 95 % of the ceiling's `GET /health` req/s",
      'health:cache-on',
      0.95,
    ),
    vsCeiling(
      "Express `GET /items`, token cache off, ≥ 70 % of the ceiling's `GET /items` req/s",
      'items:cache-off',
      0.7,
    ),
    vsCeiling(
      "Express introspected `DELETE /items/999999` ≥ 80 % of the ceiling's same route req/s",
      'delete:cache-on',
      0.8,
    ),
    vsCeiling(
      "Fastify `GET /items` ≥ 75 % of the Fastify ceiling's `GET /items` req/s",
      'items:fastify',
      0.75,
    ),
    throughput(
      'Fastify `GET /items` ≥ 4× the Express `GET /items` (token cache on) req/s',
      find('items:fastify'),
      find('items:cache-on'),
      4,
      'cache-on (Express)',
    ),
    p99(
      "Express `GET /items` (cache on) p99 ≤ 1.5× the ceiling's `GET /items` p99",
      'items:cache-on',
    ),
    p99("Fastify `GET /items` p99 ≤ 1.5× the Fastify ceiling's `GET /items` p99", 'items:fastify'),
  ];
}

/** Keycloak traffic of the API instances: none on local routes, ≤ 1 introspection per TTL. */
function keycloakTargets(all: Measurement[], info: RunInfo): Target[] {
  const project = all.filter(isProject);
  const locals = project.filter((m) => m.scenario.kind !== 'introspected');
  const localKeycloak = locals.reduce((sum, m) => sum + total(m.keycloak), 0);
  const localRequests = locals.reduce((sum, m) => sum + m.load.requests, 0);
  const ttl = info.introspectionTtlSeconds;
  const introspected = project.filter((m) => m.scenario.kind === 'introspected');
  return [
    {
      text: '0 Keycloak requests per API request on locally validated routes (after warm-up)',
      pass: localKeycloak === 0,
      detail: `${localKeycloak} in ${number.format(localRequests)} requests to \`/health\` and \`/items\` on the API instances`,
    },
    ...introspected.map((del): Target => {
      const introspections = del.keycloak.introspect ?? 0;
      const tokens = 1;
      const elapsed = del.load.spanSeconds;
      // Answers are reused for ttl seconds, so calls are >= ttl apart: the `elapsed` seconds from
      // the first measured DELETE run to the end of the last hold at most floor(elapsed / ttl) + 1.
      const allowed = tokens * (Math.floor(elapsed / ttl) + 1);
      return {
        text: `≤ 1 introspection per token per TTL (${ttl} s) on the introspected route (${del.scenario.instance})`,
        pass: introspections <= allowed,
        detail: `${introspections} introspection(s) for ${tokens} token over ${oneDecimal.format(elapsed)} s from the first measured DELETE to the last (${number.format(del.load.requests)} requests); at most ${allowed} allowed`,
      };
    }),
  ];
}

const memoryText = ([name, { memory, startMB }]: [string, RunInfo['instances'][InstanceName]]) =>
  `${name}: peak ${oneDecimal.format(memory.peakMB)} MB (${oneDecimal.format(startMB)} MB after start-up, ${oneDecimal.format(memory.rssMB)} MB at the end)`;

function memoryTarget(info: RunInfo): Target {
  const project = Object.entries(info.instances).filter(
    ([name]) => !INSTANCES[name as InstanceName].ceiling,
  );
  const peak = Math.max(...project.map(([, i]) => i.memory.peakMB));
  return {
    text: `server RSS below ${RSS_LIMIT_MB} MB (VmHWM of each API process after its runs)`,
    pass: peak < RSS_LIMIT_MB,
    detail: project.map(memoryText).join('; '),
  };
}

export function evaluateTargets(all: Measurement[], info: RunInfo): Target[] {
  const find = finder(all);
  return [
    ...ownHealthTargets(find),
    ...keycloakTargets(all, info),
    memoryTarget(info),
    ...ceilingTargets(find),
  ];
}

export function renderMarkdown(all: Measurement[], info: RunInfo, targets: Target[]): string {
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Written by \`npm run bench\` (bench/run.ts), ${info.date}.`,
    '',
    `- **Machine**: Node ${info.node}, ${info.cpu}, ${info.os}. The load generator and the servers share it: autocannon and the Keycloak stand-in run in the bench process, each instance in its own child (\`node dist/main.js\`, or \`node dist-bench/bench/ceiling/main.js\` for a ceiling). ${info.pinning}`,
    `- **Load**: autocannon, ${info.connections} connections. Per scenario a ${info.warmupSeconds} s warm-up (not counted), then ${info.durationSeconds} s measured in ${info.rounds} round(s) of ${oneDecimal.format(info.durationSeconds / info.rounds)} s; every other round runs the instance's scenarios in reverse order, so a drift of the machine's speed weighs on all alike. Latency percentiles are exact, over every response of the measured rounds.`,
    `- **Instances**: ${Object.entries(info.instances)
      .map(([name, i]) => `${name} = ${i.env}`)
      .join('; ')}. Ceilings get the same requests, Authorization header included.`,
    '',
  );
  lines.push(
    '| scenario | instance | authentication | req/s | p50 ms | p99 ms | req/s vs `/health` (same instance) | req/s vs ceiling (same route and adapter) | app CPU µs per request | Keycloak requests per 1,000 API requests | non-2xx |',
    '| --- | --- | --- | --: | --: | --: | --: | --: | --: | --- | --- |',
  );
  for (const m of all) {
    const r = ratio(m, all);
    const c = ceilingRatio(m, all);
    lines.push(
      `| ${[
        m.scenario.label,
        m.scenario.instance,
        m.scenario.auth,
        number.format(m.load.reqPerSec),
        oneDecimal.format(m.load.p50Ms),
        oneDecimal.format(m.load.p99Ms),
        r === undefined
          ? 'n/a'
          : m.scenario.kind === 'public'
            ? '100 % (baseline)'
            : `${oneDecimal.format(r * 100)} %`,
        INSTANCES[m.scenario.instance].ceiling ? '100 % (ceiling)' : pct(c),
        number.format((m.appCpuMs * 1000) / Math.max(m.load.requests, 1)),
        `${per1000(m).toFixed(2)} (${breakdown(m.keycloak)})`,
        statusSummary(m),
      ].join(' | ')} |`,
    );
  }
  lines.push('', '## Targets', '');
  for (const t of targets) lines.push(`- **${t.pass ? 'PASS' : 'MISS'}** ${t.text}: ${t.detail}`);
  lines.push(
    '',
    '## Notes',
    '',
    "- `DELETE /items/999999` is the introspected route (`@Roles('api-admin')` + `@RequireActiveToken()`): JWT check, role check, introspection (answer cached for the TTL), then 404 from the handler. The 404 keeps the data set constant; it is the expected answer, not an error.",
    '- "authenticated / unauthenticated" is the req/s column ratio: each route against `GET /health` of the same process.',
    '- The ceilings (bench/ceiling/) are bare Nest apps on the adapter\'s defaults: two controllers returning the API\'s bodies (`{"status":"ok"}`, `[]`, Nest\'s 404), no guards, pipes, filters, middleware, CORS or docs. "vs ceiling" is the share of a bare Nest app\'s speed the API keeps on the same route and adapter; the rest is the price of what the API adds.',
    `- Ceiling memory (not held to the RSS target): ${Object.entries(info.instances)
      .filter(([name]) => INSTANCES[name as InstanceName].ceiling)
      .map(memoryText)
      .join('; ')}.`,
    '- Instances are measured one after the other (ceiling-express, cache-on, cache-off, ceiling-fastify, fastify); the rounds alternate within an instance only, so a drift of the machine between instances shows in the ceiling ratios.',
    '- App CPU µs per request: user + system time of the app process (every thread: GC, the libuv pool that runs WebCrypto) over the measured runs, divided by the requests; it tells the cost of a route even when the app does not get a whole core.',
    `- Keycloak stand-in requests over the whole run, start-up and warm-ups included: ${breakdown(info.keycloakTotal)}.`,
    `- The measuring program took ${oneDecimal.format(info.benchSeconds)} s (the \`tsc\` builds before it not included).`,
    '- Noise: on the 2-core VM this bench was written on, req/s and CPU per request of one route in one process moved by ±15 % between 3–5 s windows, so a ratio within about 10 points of its target is no clear PASS or MISS: rerun, or raise BENCH_DURATION. Compare ratios, not absolute req/s, across machines.',
    '',
  );
  return lines.join('\n');
}
