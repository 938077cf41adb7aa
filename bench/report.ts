import type { Memory } from './app-process.js';
import type { LoadResult } from './load.js';

/** Which app instance a scenario runs against. */
export type InstanceName = 'cache-on' | 'cache-off';

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

export function evaluateTargets(all: Measurement[], info: RunInfo): Target[] {
  const find = (id: string): Measurement => {
    const m = all.find((x) => x.scenario.id === id);
    if (!m) throw new Error(`scenario ${id} missing`);
    return m;
  };
  const pct = (r: number | undefined): string =>
    r === undefined ? 'n/a' : `${oneDecimal.format(r * 100)} %`;
  const itemsOn = find('items-on');
  const itemsOff = find('items-off');
  const rOn = ratio(itemsOn, all) ?? 0;
  const rOff = ratio(itemsOff, all) ?? 0;

  const locals = all.filter((m) => m.scenario.kind !== 'introspected');
  const localKeycloak = locals.reduce((sum, m) => sum + total(m.keycloak), 0);
  const localRequests = locals.reduce((sum, m) => sum + m.load.requests, 0);

  const del = find('delete-on');
  const introspections = del.keycloak.introspect ?? 0;
  const tokens = 1;
  const ttl = info.introspectionTtlSeconds;
  const elapsed = del.load.spanSeconds;
  // Answers are reused for ttl seconds, so calls are >= ttl apart: the `elapsed` seconds from
  // the first measured DELETE run to the end of the last hold at most floor(elapsed / ttl) + 1.
  const allowed = tokens * (Math.floor(elapsed / ttl) + 1);

  const memories = Object.entries(info.instances).map(
    ([name, { memory, startMB }]) =>
      `${name}: peak ${oneDecimal.format(memory.peakMB)} MB (${oneDecimal.format(startMB)} MB after start-up, ${oneDecimal.format(memory.rssMB)} MB at the end)`,
  );
  const peak = Math.max(...Object.values(info.instances).map((i) => i.memory.peakMB));

  return [
    {
      text: '`GET /items` with the token cache on ≥ 90 % of `GET /health` req/s',
      pass: rOn >= 0.9,
      detail: `${pct(rOn)} (${number.format(itemsOn.load.reqPerSec)} vs ${number.format(find('health-on').load.reqPerSec)} req/s)`,
    },
    {
      text: '`GET /items` with the token cache off ≥ 60 % of `GET /health` req/s',
      pass: rOff >= 0.6,
      detail: `${pct(rOff)} (${number.format(itemsOff.load.reqPerSec)} vs ${number.format(find('health-off').load.reqPerSec)} req/s)`,
    },
    {
      text: '0 Keycloak requests per API request on locally validated routes (after warm-up)',
      pass: localKeycloak === 0,
      detail: `${localKeycloak} in ${number.format(localRequests)} requests to \`/health\` and \`/items\``,
    },
    {
      text: `≤ 1 introspection per token per TTL (${ttl} s) on the introspected route`,
      pass: introspections <= allowed,
      detail: `${introspections} introspection(s) for ${tokens} token over ${oneDecimal.format(elapsed)} s from the first measured DELETE to the last (${number.format(del.load.requests)} requests); at most ${allowed} allowed`,
    },
    {
      text: `server RSS below ${RSS_LIMIT_MB} MB (VmHWM of each app process after its runs)`,
      pass: peak < RSS_LIMIT_MB,
      detail: memories.join('; '),
    },
  ];
}

export function renderMarkdown(all: Measurement[], info: RunInfo, targets: Target[]): string {
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Written by \`npm run bench\` (bench/run.ts), ${info.date}.`,
    '',
    `- **Machine**: Node ${info.node}, ${info.cpu}, ${info.os}. The load generator and the app share it: autocannon and the Keycloak stand-in run in the bench process, each app instance in its own \`node dist/main.js\` child.`,
    `- **Load**: autocannon, ${info.connections} connections. Per scenario a ${info.warmupSeconds} s warm-up (not counted), then ${info.durationSeconds} s measured in ${info.rounds} round(s) of ${oneDecimal.format(info.durationSeconds / info.rounds)} s; every other round runs the instance's scenarios in reverse order, so a drift of the machine's speed weighs on all alike. Latency percentiles are exact, over every response of the measured rounds.`,
    `- **Instances**: cache-on = ${info.instances['cache-on'].env}; cache-off = ${info.instances['cache-off'].env}.`,
    '',
  );
  lines.push(
    '| scenario | instance | authentication | req/s | p50 ms | p99 ms | req/s vs `/health` (same instance) | app CPU µs per request | Keycloak requests per 1,000 API requests | non-2xx |',
    '| --- | --- | --- | --: | --: | --: | --: | --: | --- | --- |',
  );
  for (const m of all) {
    const r = ratio(m, all);
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
    '- App CPU µs per request: user + system time of the app process (every thread: GC, the libuv pool that runs WebCrypto) over the measured runs, divided by the requests; it tells the cost of a route even when the app does not get a whole core.',
    `- Keycloak stand-in requests over the whole run, start-up and warm-ups included: ${breakdown(info.keycloakTotal)}.`,
    `- The measuring program took ${oneDecimal.format(info.benchSeconds)} s (the two \`tsc\` builds before it not included).`,
    '- Noise: on the 2-core VM this bench was written on, req/s and CPU per request of one route in one process moved by ±15 % between 3–5 s windows, so a ratio within about 10 points of its target is no clear PASS or MISS: rerun, or raise BENCH_DURATION. Compare ratios, not absolute req/s, across machines.',
    '',
  );
  return lines.join('\n');
}
