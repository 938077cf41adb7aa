/**
 * The report's part for issue 22: the revocation lookup on the cache-hit path (revocation against
 * cache-on) and the replicas sharing one Redis (replicas-3-redis against replicas-1, with
 * replicas-3 for what sharing saves). bench/run.ts adds its section and targets to the report.
 */
import {
  breakdown,
  reqPerSec,
  requestDriven,
  roundRatios,
  spreadOf,
  spreadPct,
  statusSummary,
  type Measurement,
  type RunInfo,
  type Spread,
  type Target,
  cpuPerRequest,
  cpuRatios,
  spreadRange as range,
} from './report.js';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

type Finder = (id: string) => Measurement | undefined;

/** How far the plain scenario's own rounds stray from their median CPU per request, at most. */
function noiseOf(plain: Measurement): number {
  const s = spreadOf(cpuPerRequest(plain));
  return Math.max(s.max / s.median - 1, 1 - s.min / s.median);
}

const signedPct = (r: number): string =>
  `${r >= 0 ? '+' : '−'}${oneDecimal.format(Math.abs(r) * 100)} %`;

/** Distinct tokens the runs sent, summed. */
const tokensSent = (m: Measurement): number => (m.roundTokens ?? []).reduce((sum, n) => sum + n, 0);

/** Keycloak requests (key-set refreshes aside) per distinct token a run sent, over the runs. */
const perToken = (m: Measurement): number => requestDriven(m.keycloak) / Math.max(tokensSent(m), 1);

/** Keycloak requests (key-set refreshes aside) per 1,000 API requests, of `base`'s when given. */
const per1000 = (m: Measurement, base = m): number =>
  (requestDriven(m.keycloak) * 1000) / Math.max(base.load.requests, 1);

function revocationTargets(find: Finder): Target[] {
  const plain = find('items:cache-on');
  const revoked = find('items:revocation');
  if (!plain || !revoked) return [];
  const ratio = cpuRatios(revoked, plain);
  const noise = noiseOf(plain);
  return [
    {
      text: 'Revocation on the cache-hit path: Express `GET /items` with 10,000 other sessions revoked (revocation) costs app CPU per request within noise of the plain cache hit (cache-on)',
      pass: ratio.median - 1 <= noise,
      detail: `${spreadPct(ratio)} of cache-on's CPU per request (median of ${ratio.rounds} per-round ratios, min–max; ${signedPct(ratio.median - 1)}); noise: cache-on's own rounds lie within ±${oneDecimal.format(noise * 100)} % of their median; medians ${whole.format(spreadOf(cpuPerRequest(revoked)).median)} µs vs ${whole.format(spreadOf(cpuPerRequest(plain)).median)} µs, req/s ${spreadPct(roundRatios(revoked, plain))} of cache-on's`,
    },
  ];
}

const ROUTE_TEXT: Record<string, string> = {
  delete: '`DELETE /items/999999` (introspection)',
  create: "`POST /items` (`@Permission('items#create')` decision)",
};

function replicaTargets(find: Finder): Target[] {
  return Object.entries(ROUTE_TEXT).flatMap(([route, text]): Target[] => {
    const one = find(`${route}:replicas-1`);
    const shared = find(`${route}:replicas-3-redis`);
    if (!one || !shared) return [];
    const unshared = find(`${route}:replicas-3`);
    const rates = roundRatios(shared, one);
    const without = unshared
      ? ` (three replicas without Redis: ${perToken(unshared).toFixed(4)} and ${oneDecimal.format(per1000(unshared))})`
      : '';
    return [
      {
        text: `Keycloak requests do not grow with replicas: ${text} on three replicas sharing one Redis (replicas-3-redis) ≤ one replica (replicas-1), for the same tokens in the same time`,
        pass: perToken(shared) <= perToken(one),
        detail: `${whole.format(requestDriven(shared.keycloak))} vs ${whole.format(requestDriven(one.keycloak))} Keycloak requests for ${whole.format(tokensSent(shared))} and ${whole.format(tokensSent(one))} tokens sent in ${shared.load.runs} runs, ${perToken(shared).toFixed(4)} vs ${perToken(one).toFixed(4)} per token per run, ${oneDecimal.format(per1000(shared))} vs ${oneDecimal.format(per1000(one))} per 1,000 API requests${without}; per 1,000 also divides by the requests each closed-loop run completed, and replicas-3-redis completed ${spreadPct(rates)} of replicas-1's per round (its Keycloak requests over replicas-1's API requests: ${oneDecimal.format(per1000(shared, one))} per 1,000)`,
      },
    ];
  });
}

/** The targets of issue 22 whose inputs ran. */
export function sharedStateTargets(all: Measurement[]): Target[] {
  const find: Finder = (id) => all.find((m) => m.scenario.id === id);
  return [...revocationTargets(find), ...replicaTargets(find)];
}

function revocationLines(find: Finder, info: RunInfo): string[] {
  const plain = find('items:cache-on');
  const revoked = find('items:revocation');
  if (!plain || !revoked || !info.revocation) return [];
  const { sessions, postSeconds, lookup } = info.revocation;
  const row = (label: string, m: Measurement): string =>
    `| ${label} | ${range(spreadOf(cpuPerRequest(m)))} | ${range(reqPerSec(m))} | ${oneDecimal.format(m.load.p99Ms)} |`;
  const plainCpu = spreadOf(cpuPerRequest(plain)).median;
  return [
    `**Revocation on the cache-hit path.** Express \`GET /items\` with alice's token (a verified-token cache hit) on \`revocation\`: cache-on with the back-channel receiver on (\`BACKCHANNEL_LOGOUT_AUDIENCES=nest-api-web\`) and ${whole.format(sessions)} other sessions logged out before the runs, so every request's revocation check looks its session up among them. Measured in the same rounds as cache-on's \`GET /items\`, at most one run apart.`,
    '',
    '| `GET /items`, alice (cache hit) | app CPU µs per request (median of rounds, min–max) | req/s (median, min–max) | p99 ms |',
    '| --- | --: | --: | --: |',
    row('cache-on (receiver off)', plain),
    row(`revocation (${whole.format(sessions)} sessions revoked)`, revoked),
    `| revocation / cache-on, per round | ${spreadPct(cpuRatios(revoked, plain))} | ${spreadPct(roundRatios(revoked, plain))} | |`,
    '',
    `- Noise: cache-on's own rounds lie within ±${oneDecimal.format(noiseOf(plain) * 100)} % of its median CPU per request; the revocation instance's median per-round ratio is ${signedPct(cpuRatios(revoked, plain).median - 1)} (the target below).`,
    ...(lookup
      ? [
          `- \`isRevoked\` alone (bench/revocation-lookup.ts, on the servers' Node and CPU before they started; medians of 7 × 2,000,000 calls for a token whose session is not revoked): ${oneDecimal.format(lookup.revokedNs)} ns per call with ${whole.format(lookup.sessions)} sessions revoked, ${oneDecimal.format(lookup.emptyNs)} ns with none; ${(((lookup.revokedNs - lookup.emptyNs) / 1000 / plainCpu) * 100).toFixed(3)} % of cache-on's CPU per request.`,
        ]
      : []),
    `- The logouts: the stand-in's logout tokens (one \`sid\` each, none a session of the bench's tokens) posted as form bodies to \`POST /auth/backchannel-logout\`, 16 at a time, in ${oneDecimal.format(postSeconds)} s; then a token of one of those sessions was refused with 401.`,
    '',
  ];
}

function replicaRow(m: Measurement, one: Measurement | undefined): string {
  const requests = Math.max(m.load.requests, 1);
  return `| ${[
    m.scenario.label,
    m.scenario.instance,
    range(reqPerSec(m)),
    oneDecimal.format(m.load.p99Ms),
    range(spreadOf(cpuPerRequest(m))),
    !one ? 'n/a' : one === m ? '100 % (baseline)' : spreadPct(cpuRatios(m, one)),
    m.redisCpuMs === undefined ? '–' : oneDecimal.format((m.redisCpuMs * 1000) / requests),
    `${whole.format(requestDriven(m.keycloak))} (${breakdown(m.keycloak)})`,
    perToken(m).toFixed(4),
    oneDecimal.format(per1000(m)),
    statusSummary(m),
  ].join(' | ')} |`;
}

function replicaLines(all: Measurement[], info: RunInfo): string[] {
  const rows = all.filter((m) => m.scenario.instance.startsWith('replicas-'));
  if (!rows.length) return [];
  const slice = rows[0].scenario.slice ?? 0;
  const connections = rows[0].scenario.connections ?? info.connections;
  const one = (m: Measurement): Measurement | undefined =>
    all.find((o) => o.scenario.id === m.scenario.id.replace(/:.*/, ':replicas-1'));
  return [
    `**Replicas sharing one Redis.** replicas-1 is one API process without Redis; replicas-3-redis three processes with \`REDIS_URL\` naming one redis-server${info.redis ? ` ${info.redis}` : ''} (no persistence, on the servers' CPU: its CPU time is its own column); replicas-3 three processes without Redis, for what sharing saves. Each holds ${whole.format(rows[0].scenario.tokens ?? 0)} tokens of alice, verified once per replica in the warm-up (\`GET /items\`, a local route) and kept an hour, so no measured run verifies a signature; each measured run sends the next slice of ${whole.format(slice)} of them, and a slice comes back only after eight runs of its scenario (≥ 16 s), past the ${info.introspectionTtlSeconds} s answer and decision caches: every run starts with none of its tokens' answers cached anywhere. The load: one wrk with a thread per replica (${whole.format(Math.ceil(connections / 3))} connections each; replicas-1: ${whole.format(connections)} on one thread), thread i taking every third token of the slice from the i-th on, so the replicas get the token sequence a round-robin balancer would deal out, with no proxy whose CPU and latency would be counted; a token comes back ${whole.format(slice)} requests later, on the next replica. Keycloak requests per token per run: 1 is one request per token per TTL for the whole cluster. App CPU sums the replicas.`,
    '',
    '| scenario | instance | req/s (median, min–max) | p99 ms | app CPU µs per request, all replicas (median of rounds, min–max) | CPU per request vs replicas-1 (per round: median, min–max) | Redis CPU µs per request | Keycloak requests | per token per run | per 1,000 API requests | other answers than expected |',
    '| --- | --- | --: | --: | --: | --: | --: | --- | --: | --: | --- |',
    ...rows.map((m) => replicaRow(m, one(m))),
    '',
    ...costLines(all),
    `- In replicas-3-redis each replica's first request with a token (a local miss) reads Redis: one GET per token and replica a run, and one introspection (or decision) and SET per token for the cluster. Keycloak requests beyond one per token and run there (${extraText(all)}) would be tokens two replicas asked Keycloak about at once: a replica that misses takes the token's lease in Redis (\`SET NX PX\`) before it asks, and the others wait for its answer instead of asking too (docs/scaling.md). Key-set refreshes (jwks, once an instance's keys are 600 s old), if any, are in the breakdown but not counted.`,
    "- `POST /items` sends `{}`: the guards (JWT, roles, `@Permission`'s decision) run before the pipes, so each request asks for the decision (or finds it cached), then ValidationPipe answers 400, the expected answer.",
    '',
  ];
}

/** "3 of 2,500 on DELETE, 0 of 2,500 on POST": replicas-3-redis' requests beyond one per token. */
function extraText(all: Measurement[]): string {
  const parts = Object.keys(ROUTE_TEXT).flatMap((route) => {
    const m = all.find((o) => o.scenario.id === `${route}:replicas-3-redis`);
    if (!m) return [];
    const extra = Math.max(requestDriven(m.keycloak) - tokensSent(m), 0);
    return [`${whole.format(extra)} of ${whole.format(tokensSent(m))} on ${m.scenario.method}`];
  });
  return parts.length ? `here ${parts.join(', ')}` : 'none ran';
}

/**
 * What sharing costs per request (informational): replicas-3-redis' CPU per request over
 * replicas-1's on the Keycloak routes, beside the same ratio on `GET /items`, which uses neither
 * Keycloak nor Redis and so prices three processes on one CPU against one.
 */
function costLines(all: Measurement[]): string[] {
  const ratio = (route: string): Spread | undefined => {
    const one = all.find((m) => m.scenario.id === `${route}:replicas-1`);
    const shared = all.find((m) => m.scenario.id === `${route}:replicas-3-redis`);
    return one && shared ? cpuRatios(shared, one) : undefined;
  };
  const local = ratio('items');
  const parts = Object.entries(ROUTE_TEXT).flatMap(([route, text]) => {
    const r = ratio(route);
    return r ? [`${text} ${signedPct(r.median - 1)}`] : [];
  });
  if (!parts.length) return [];
  const base = local
    ? `, against ${signedPct(local.median - 1)} on \`GET /items\`, which asks neither Keycloak nor Redis: that part is three processes sharing the servers' one CPU (fewer requests per event-loop turn, three heaps in the caches), which a deployment with a core per replica would not pay; the difference between the two, within the ranges shown, is what the shared caches' Redis round trips add`
    : '';
  return [
    `- What sharing costs per request (informational; medians of the per-round ratios in the table): replicas-3-redis' app CPU per request against replicas-1's is ${parts.join(', ')}${base}. Redis' own CPU is its column.`,
  ];
}

/** The report's section for issue 22, empty when none of its instances ran. */
export function sharedStateSection(all: Measurement[], info: RunInfo): string[] {
  const find: Finder = (id) => all.find((m) => m.scenario.id === id);
  const lines = [...revocationLines(find, info), ...replicaLines(all, info)];
  return lines.length
    ? ['## Revocation and replicas sharing one Redis (issue 22)', '', ...lines]
    : [];
}
