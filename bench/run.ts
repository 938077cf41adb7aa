/**
 * `npm run bench`: a benchmark for people, not a pass/fail test.
 *
 * Builds the app and this folder, starts the Keycloak stand-in (`nest-keycloak-auth/testing`)
 * in this process and, as child processes on free loopback ports, the built API without I/O
 * (bench/api-no-io.ts: dist/'s AppModule, guards, controllers and set-up, with an
 * ItemsRepository that is a fixed list of 20 items, so the auth ratios are measured on a
 * handler without I/O) as `cache-on` (Express, default settings), `cache-on-noflags` (the same
 * without the node flags of `start:prod`; only when start:prod has some), `cache-off`
 * (TOKEN_CACHE_MAX_ENTRIES=0), `tokens-10k` and `tokens-100k` (Express, default cache size,
 * hit with 10,000 and 100,000 distinct tokens; tokens-10k keeps entries for the whole run, see
 * INSTANCE_SETUP), `revocation` (cache-on with BACKCHANNEL_LOGOUT_AUDIENCES set and 10,000
 * other sessions logged out through POST /auth/backchannel-logout before the runs; the lookup
 * alone is timed by bench/revocation-lookup.ts), `dpop` (cache-on's `GET /items` with alice's
 * DPoP-bound token and a fresh proof per request, signed before each run by bench/dpop-setup.ts),
 * `fastify` (HTTP_ADAPTER=fastify), the replicas
 * of issue 22 (`replicas-1`: one process; `replicas-3-redis`: three sharing one redis-server,
 * bench/redis-process.ts; `replicas-3`: three without Redis), the ceiling (bench/ceiling/main.ts, a
 * bare Nest app with the same routes and bodies) as `ceiling-express` and `ceiling-fastify`,
 * and the real app (`node dist/main.js`, Express) reading its items from a database: `db-pglite`
 * (embedded, in dist-bench/pglite, made by `node dist/database/cli.js migrate` before the app
 * starts) and `db-postgres` (BENCH_DATABASE_URL; skipped when unset), each seeded
 * to 20 items before the runs. Every API instance runs with PGLITE_DATA_DIR=memory://, so no run
 * touches .data/, and every server but cache-on-noflags with start:prod's node flags. Every API
 * instance serves Prometheus metrics as in production (bench/app-process.ts gives each its own
 * spare METRICS_PORT), so the ratios include their cost.
 *
 * Scenarios, each run by wrk (Debian's package; installed with `apt-get install -y wrk` when
 * missing) with bench/wrk.lua: GET /health, GET /items (alice's token) and
 * DELETE /items/999999 (introspected, 404) on the ceilings, cache-on and fastify; /health and
 * /items on cache-off; /items only on the others, tokens-10k and tokens-100k sending the next
 * of their distinct tokens with each request (wrk.lua reads them from a file the bench writes in
 * dist-bench/ and deletes at the end); /items, the introspected DELETE and POST /items
 * (@Permission, 400) on the replica instances, each run sending a slice of their tokens dealt
 * out to the replicas by one wrk thread each (REPLICA_SETUP). The database and replica instances
 * are reported in tables of their own (bench/report-shared-state.ts for issue 22's), with no
 * ceiling ratio. The tokens are real RS256 tokens of the stand-in,
 * signed before the servers start (WebCrypto on libuv's pool: both CPUs).
 *
 * A warm-up of every scenario (not counted), then BENCH_ROUNDS rounds. A round runs every
 * scenario once, route by route and on each route instance by instance (INSTANCES' order), so
 * the two runs a target divides (a ceiling and the API on its adapter, cache-off and
 * tokens-10k, cache-on and cache-on-noflags) are measured back to back; every other round runs
 * in reverse. The machine's speed drifts by ±20 % between seconds, so the report pairs the runs of
 * one round: each ratio is computed per round, and given as the median with its range.
 * It counts the requests that reached the stand-in and the app's CPU time during the measured
 * runs (per run, and Redis' too), and reads each child's VmHWM/VmRSS from /proc at the end. With taskset and 2+ CPUs the
 * servers run on CPU 1, wrk and this process on CPU 0 (see pinCpus), and each run records wrk's
 * CPU time and how busy CPU 0 was, so the report shows the load generator had room to spare.
 *
 * The servers run on this process's node, or with BENCH_NODE=<major> on that Node line
 * (bench/node-line.ts). Prints a markdown table and PASS/MISS per target, and overwrites
 * bench/results.md (Node 24) or bench/results-node<major>.md (any other line).
 * Exit code 0 whatever the targets say; 1 only when the bench itself broke (an app did not
 * start or died, or a route answered other than expected).
 *
 * Knobs (environment): BENCH_NODE (24, 20, …), BENCH_CONNECTIONS (50), BENCH_SECONDS (2: each
 * run's length, whole seconds), BENCH_ROUNDS (10), BENCH_WARMUP (2 s), BENCH_SMOKE=1 (1 round of
 * 1 s runs and 1 s warm-ups unless set otherwise, report in dist-bench/results-smoke.md: proves
 * the harness, measures nothing), BENCH_PIN=0 (no CPU pinning),
 * BENCH_CPU_PROF=1 (start the servers with --cpu-prof, profiles in dist-bench/profiles),
 * BENCH_INSTANCES=a,b (run only these instances; the report evaluates the targets whose inputs
 * ran), BENCH_TOKENS=0 (skip tokens-10k, tokens-100k and the replica instances, and the token
 * signing; replicas-3-redis is also skipped without Debian's redis-server),
 * BENCH_DATABASE_URL=postgres://… (the database of db-postgres, which the bench adds items to;
 * `bash scripts/postgres.sh start` prints one for a throw-away local server). Child logs:
 * dist-bench/logs/<instance>.log. `npm run bench` takes about 15 min on 2 cores (builds, 20-60 s
 * of signing, and a pass of under a minute over the 100,000 tokens included).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { cpus, release } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { AppProcess, HAS_TASKSET, type AppOptions, type Memory } from './app-process.js';
import { RedisProcess } from './redis-process.js';
import {
  LOGOUT_AUDIENCE,
  measureLookup,
  postLogouts,
  REVOKED_SESSIONS,
  signLogouts,
  type Logouts,
} from './revocation-setup.js';
import { DpopRequests } from './dpop-setup.js';
import { BENCH_ITEM_COUNT, BENCH_ITEMS, benchItemName } from './items-fixture.js';
import {
  combine,
  ensureWrk,
  load,
  pass,
  sampleReqPerSec,
  wsLoad,
  type LoadOptions,
  type LoadSample,
} from './load.js';
import { resultsFile, serverNode } from './node-line.js';
import { doorsSection } from './report-doors.js';
import { dpopSection } from './report-dpop.js';
import { sharedStateSection, sharedStateTargets } from './report-shared-state.js';
import {
  evaluateTargets,
  expectedShare,
  INSTANCES,
  readsDatabase,
  renderMarkdown,
  type InstanceKind,
  type InstanceName,
  type KeycloakCounts,
  type Measurement,
  type RevocationInfo,
  type RunInfo,
  type Scenario,
} from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The Node flags of `npm run start:prod` (e.g. the heap cap), so the bench runs the app as production does. */
function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
}
const OUT = join(ROOT, 'dist-bench');
const PGLITE_DIR = join(OUT, 'pglite');

const SMOKE = process.env.BENCH_SMOKE === '1';
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const SECONDS = positiveInt('BENCH_SECONDS', SMOKE ? 1 : 2);
const WARMUP = positiveInt('BENCH_WARMUP', SMOKE ? 1 : 2);
const ROUNDS = positiveInt('BENCH_ROUNDS', SMOKE ? 1 : 10);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const TOKENS = process.env.BENCH_TOKENS !== '0';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? '';
const INTROSPECTION_TTL_SECONDS = 10;
/** A warm-up pass over 100,000 tokens takes under a minute; this long means the server is stuck. */
const WARMUP_PASS_MAX_SECONDS = 900;

const ALICE = 'alice (api-admin)';
/** The routes, in the order a round measures them. */
const ROUTES = {
  health: { label: '`GET /health`', method: 'GET', path: '/health', authenticated: false },
  items: { label: '`GET /items`', method: 'GET', path: '/items', authenticated: true },
  delete: {
    label: '`DELETE /items/999999` (introspected, 404)',
    method: 'DELETE',
    path: '/items/999999',
    authenticated: true,
  },
  // Guards run before pipes: the decision is made, then the empty body is refused.
  create: {
    label: "`POST /items` (`@Permission('items#create')`, 400)",
    method: 'POST',
    path: '/items',
    body: '{}',
    authenticated: true,
  },
  // Issue 25: the same items through GraphQL, and a message round trip on the /ws gateway.
  graphql: {
    label: '`POST /graphql` `{ items { … } }`',
    method: 'POST',
    path: '/graphql',
    body: JSON.stringify({ query: '{ items { id name owner createdAt updatedAt version } }' }),
    authenticated: true,
  },
  ws: {
    label: '`/ws` round trip: `subscribe` → `subscribed`',
    method: 'GET',
    path: '/ws',
    authenticated: true,
    ws: {
      message: JSON.stringify({ event: 'subscribe', data: { topic: 'items' } }),
      expectEvent: 'subscribed',
    },
  },
} as const satisfies Record<
  string,
  Pick<Scenario, 'label' | 'method' | 'path' | 'body' | 'authenticated' | 'ws'>
>;
type Route = keyof typeof ROUTES;
const KINDS: Record<Route, Scenario['kind']> = {
  health: 'public',
  items: 'local',
  delete: 'introspected',
  create: 'permission',
  graphql: 'local',
  ws: 'local',
};
// The ws scenario's answers are events (its `ws.expectEvent`); 101 is its handshake.
const EXPECTED: Record<Route, number> = {
  health: 200,
  items: 200,
  delete: 404,
  create: 400,
  graphql: 200,
  ws: 101,
};
const PROJECT_AUTH: Record<Route, string> = {
  health: 'none (`@Public()`)',
  items: `${ALICE}: JWT checked locally, verified-token cache hit`,
  delete: `${ALICE}: JWT + role + introspection (${INTROSPECTION_TTL_SECONDS} s answer cache)`,
  create: `${ALICE}: JWT + role + Keycloak's decision on items#create (${INTROSPECTION_TTL_SECONDS} s decision cache), then 400 from validation`,
  graphql: `${ALICE}: JWT checked locally (verified-token cache hit), \`@AnyRole\` on the field, the same 20 items`,
  ws: `${ALICE}: handshake checked once (JWT, before the upgrade); each message: \`@AnyRole\` and validation on the principal kept on the socket`,
};
const CEILING_AUTH = 'none (the same Authorization header is sent, and ignored)';

interface InstanceSetup {
  routes: Route[];
  /** Environment on top of the stand-in's; the ceilings read HTTP_ADAPTER and PORT only. */
  env: Record<string, string>;
  auth?: Partial<Record<Route, string>>;
  /** Distinct tokens in rotation on its authenticated routes (default: alice's one token). */
  tokens?: number;
  /** With `tokens`: each measured run sends the next slice of this many (see REPLICA_SETUP). */
  slice?: number;
  /** Logouts of other sessions posted to it before the runs (its receiver must be on). */
  logouts?: number;
  /** Its authenticated routes send alice's DPoP-bound token with a fresh proof each request. */
  dpop?: boolean;
  /** wrk's connections in all, instead of BENCH_CONNECTIONS. */
  connections?: number;
  /** Run without start:prod's node flags (only exists when start:prod has some). */
  noNodeFlags?: boolean;
  /** Runs only when BENCH_DATABASE_URL is set. */
  needsDatabaseUrl?: boolean;
}
const ALL_ROUTES: Route[] = ['health', 'items', 'delete'];
/** The API instances compared on every door onto the items: REST, GraphQL and /ws (issue 25). */
const API_ROUTES: Route[] = [...ALL_ROUTES, 'graphql', 'ws'];
/** The /ws scenario's 50 sockets are alice's, and each sends as fast as it is answered. */
const WS_LIMITS = { WS_SOCKETS_PER_PRINCIPAL: '100', WS_MESSAGES_PER_SECOND: '10000' };
const TOKENS_10K = 10_000;
const TOKENS_100K = 100_000;
/**
 * The replica instances (issue 22): the introspected DELETE and the `@Permission` POST (and
 * `GET /items`, which asks neither Keycloak nor Redis: what three processes on one CPU cost), with
 * 2,000 tokens of alice held by each replica's token cache (verified in the warm-up, kept an
 * hour, so no run verifies a signature); each measured run sends the next slice of 250 tokens
 * round robin over the replicas. A slice comes back after eight runs of its scenario (≥ 16 s),
 * so every run starts with none of its tokens' answers cached anywhere, and Keycloak's count
 * per run is set by the replicas and the caches, not by the bench's schedule. 250 a run: few
 * enough that the stand-in (~1,000 introspections a second on wrk's CPU) answers a run's misses
 * in a fraction of it; not a multiple of 3, so each replica's thread meets every token of the
 * slice; and far enough apart (a token comes back 250 requests later, on the next replica) that
 * its first replica has stored the answer in Redis before the next one asks.
 */
const REPLICA_TOKENS = 2_000;
const REPLICA_SLICE = 250;
/**
 * Connections of the replica scenarios, 4 per replica: with BENCH_CONNECTIONS' 50 on three
 * processes sharing one CPU, a request's wait (p99 ~60 ms) was as long as the time before its
 * token came back (250 requests, ~50 ms), and ~5 % of tokens were asked about by two replicas
 * at once, a count set by the bench's queue rather than by the number of replicas.
 */
const REPLICA_CONNECTIONS = 12;
const REPLICA_SETUP = (auth: string): InstanceSetup => ({
  routes: ['items', 'delete', 'create'],
  env: {
    HTTP_ADAPTER: 'express',
    TOKEN_CACHE_MAX_AGE_SECONDS: '3600',
    AUTHZ_DECISION_TTL_SECONDS: String(INTROSPECTION_TTL_SECONDS),
  },
  tokens: REPLICA_TOKENS,
  slice: REPLICA_SLICE,
  connections: REPLICA_CONNECTIONS,
  auth: {
    items: `${auth}: JWT checked locally, verified-token cache hit`,
    delete: `${auth}: JWT + role + introspection (${INTROSPECTION_TTL_SECONDS} s answer cache)`,
    create: `${auth}: JWT + role + decision on items#create (${INTROSPECTION_TTL_SECONDS} s cache), 400`,
  },
});
const INSTANCE_SETUP: Record<InstanceName, InstanceSetup> = {
  'ceiling-express': { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'express' } },
  'cache-on': { routes: API_ROUTES, env: { HTTP_ADAPTER: 'express', ...WS_LIMITS } },
  'cache-on-noflags': { routes: ['items'], env: { HTTP_ADAPTER: 'express' }, noNodeFlags: true },
  'cache-off': {
    routes: ['health', 'items'],
    env: { HTTP_ADAPTER: 'express', TOKEN_CACHE_MAX_ENTRIES: '0' },
    auth: { items: `${ALICE}: JWT signature verified on every request` },
  },
  // Its own process: with alice's token in the same cache, 10,001 tokens in rotation through a
  // 10,000-entry LRU would miss on every request. The max age outlasts the run: with the default
  // 60 s, entries verified in the warm-up would expire between the interleaved rounds (a hit
  // does not renew an entry), so each run would measure a hit rate set by the bench's schedule.
  'tokens-10k': {
    routes: ['items'],
    env: { HTTP_ADAPTER: 'express', TOKEN_CACHE_MAX_AGE_SECONDS: '3600' },
    tokens: TOKENS_10K,
    auth: {
      items:
        '10,000 distinct tokens of alice in rotation: all held by the 10,000-entry cache (each verified once, in the warm-up)',
    },
  },
  'tokens-100k': {
    routes: ['items'],
    env: { HTTP_ADAPTER: 'express' },
    tokens: TOKENS_100K,
    auth: {
      items: '100,000 distinct tokens of alice in rotation: each a cache miss, signature verified',
    },
  },
  'ceiling-fastify': { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'fastify' } },
  fastify: { routes: API_ROUTES, env: { HTTP_ADAPTER: 'fastify', ...WS_LIMITS } },
  // cache-on with the back-channel receiver on and 10,000 other sessions logged out.
  revocation: {
    routes: ['items'],
    env: { HTTP_ADAPTER: 'express', BACKCHANNEL_LOGOUT_AUDIENCES: LOGOUT_AUDIENCE },
    logouts: REVOKED_SESSIONS,
    auth: {
      items: `${ALICE}: verified-token cache hit, then the revocation list, holding ${REVOKED_SESSIONS.toLocaleString('en-US')} other sessions`,
    },
  },
  // cache-on's route with the DPoP scheme (issue 23): the token's check is the same cache hit,
  // and each request's new proof is checked in full (signature, claims, its jti remembered).
  dpop: {
    routes: ['items'],
    env: { HTTP_ADAPTER: 'express' },
    dpop: true,
    auth: {
      items: `${ALICE}, DPoP-bound: verified-token cache hit, then a fresh ES256 proof checked (signature, htm/htu/iat/ath/jkt, jti not seen before)`,
    },
  },
  'replicas-1': REPLICA_SETUP('one replica, no Redis'),
  'replicas-3-redis': REPLICA_SETUP('three replicas sharing one Redis'),
  'replicas-3': REPLICA_SETUP('three replicas, no Redis'),
  // An embedded database made (initdb and migrations, bench/run.ts prepareEmbeddedDatabase) by
  // another process first, so the app opens it as a restarted `npm run stack` does: initdb's
  // WebAssembly memory (~0.5 GB, never given back) is not the app's.
  'db-pglite': { routes: ['items'], env: { HTTP_ADAPTER: 'express', PGLITE_DATA_DIR: PGLITE_DIR } },
  'db-postgres': {
    routes: ['items'],
    env: { HTTP_ADAPTER: 'express', DATABASE_URL },
    needsDatabaseUrl: true,
  },
};
const CEILING_SCRIPT = 'dist-bench/bench/ceiling/main.js';
const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;

/** Creates db-pglite's folder afresh and migrates it with `node dist/database/cli.js migrate`. */
function prepareEmbeddedDatabase(node: string): void {
  rmSync(PGLITE_DIR, { recursive: true, force: true });
  execFileSync(node, ['dist/database/cli.js', 'migrate'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PGLITE_DATA_DIR: PGLITE_DIR },
    stdio: 'ignore',
  });
}
const NO_IO_SCRIPT = 'dist-bench/bench/api-no-io.js';
const APP_SCRIPT = 'dist/main.js';

/** What an instance runs: a ceiling, the real app (database instances) or the app without I/O. */
function scriptOf(name: InstanceName): string {
  if (INSTANCES[name].ceiling) return CEILING_SCRIPT;
  return readsDatabase(name) ? APP_SCRIPT : NO_IO_SCRIPT;
}

/**
 * The instances to run, in INSTANCES' order, and why the others do not: BENCH_INSTANCES picks a
 * subset, BENCH_TOKENS=0 drops the distinct-token ones, and with no node flags in start:prod
 * cache-on-noflags would be cache-on again.
 */
function selectInstances(productionFlags: string[]): { names: InstanceName[]; skipped: string[] } {
  const all = Object.keys(INSTANCES) as InstanceName[];
  const wanted = (process.env.BENCH_INSTANCES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = wanted.filter((name) => !all.includes(name as InstanceName));
  if (unknown.length) {
    throw new Error(`BENCH_INSTANCES: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  }
  const skipped: string[] = [];
  const names = all.filter((name) => {
    if (wanted.length && !wanted.includes(name)) return false; // summed up below
    const why = whySkipped(INSTANCE_SETUP[name], productionFlags, INSTANCES[name]);
    if (why) skipped.push(`${name} (${why})`);
    return !why;
  });
  if (wanted.length) skipped.push(`the other instances (BENCH_INSTANCES=${wanted.join(',')})`);
  if (!names.length) throw new Error('no instance left to run');
  return { names, skipped };
}

/** Why an instance does not run whatever BENCH_INSTANCES says; undefined when it runs. */
function whySkipped(
  setup: InstanceSetup,
  productionFlags: string[],
  kind: InstanceKind,
): string | undefined {
  if (setup.tokens && !TOKENS) return 'BENCH_TOKENS=0';
  if (kind.redis && !HAS_REDIS) return 'redis-server is not installed (Debian: redis-server)';
  if (setup.noNodeFlags && !productionFlags.length) return 'start:prod sets no node flags';
  if (setup.needsDatabaseUrl && !DATABASE_URL) return 'BENCH_DATABASE_URL not set';
  return undefined;
}

/** The scenarios of these instances in measuring order: route by route, then instance order. */
function scenariosOf(names: InstanceName[]): Scenario[] {
  return (Object.keys(ROUTES) as Route[]).flatMap((route) =>
    names
      .filter((instance) => INSTANCE_SETUP[instance].routes.includes(route))
      .map((instance): Scenario => {
        const setup = INSTANCE_SETUP[instance];
        const tokens = ROUTES[route].authenticated ? setup.tokens : undefined;
        const count = (n: number): string => n.toLocaleString('en-US');
        const rotation = !tokens
          ? ''
          : setup.slice
            ? `, ${count(tokens)} tokens, ${count(setup.slice)} a run`
            : `, ${count(tokens)} tokens`;
        return {
          id: `${route}:${instance}`,
          ...ROUTES[route],
          label: ROUTES[route].label + rotation,
          instance,
          kind: KINDS[route],
          auth: INSTANCES[instance].ceiling
            ? route === 'health'
              ? 'none'
              : CEILING_AUTH
            : (setup.auth?.[route] ?? PROJECT_AUTH[route]),
          expectedStatus: EXPECTED[route],
          ...(tokens ? { tokens } : {}),
          ...(tokens && setup.slice ? { slice: setup.slice } : {}),
          ...(setup.connections ? { connections: setup.connections } : {}),
        };
      }),
  );
}

/** Servers on CPU 1, wrk and this process (the stand-in) on CPU 0, when taskset exists. */
const SERVER_CPU = 1;
const BENCH_CPU = 0;
/** A CPU busy this much of a run had no idle time to speak of. */
const SATURATED = 0.98;

const apps: AppProcess[] = [];
/** Each instance's processes, replicas in order (the first is named after the instance). */
const groups = new Map<InstanceName, AppProcess[]>();
let standIn: KeycloakStandIn | undefined;
let redis: RedisProcess | undefined;

async function main(): Promise<number> {
  const started = performance.now();
  for (const script of [APP_SCRIPT, NO_IO_SCRIPT, CEILING_SCRIPT]) {
    if (!existsSync(join(ROOT, script))) {
      throw new Error(`${script} is missing: run \`npm run bench\` (it builds both)`);
    }
  }
  const productionFlags = productionNodeFlags();
  const { names, skipped } = selectInstances(productionFlags);
  const scenarios = scenariosOf(names);
  const generator = ensureWrk(progress);
  const node = serverNode(ROOT);
  const results = resultsFile(ROOT, node.version, SMOKE);
  await mkdir(join(OUT, 'logs'), { recursive: true });
  if (CPU_PROF) await mkdir(join(OUT, 'profiles'), { recursive: true });

  standIn = await KeycloakStandIn.start();
  const token = await standIn.tokenFor('alice', { expiresIn: 3600 });
  // Signed before pinning and before any server starts, so both CPUs sign and nothing is skewed.
  const tokenCount = Math.max(0, ...scenarios.map((s) => s.tokens ?? 0));
  const signed = tokenCount ? await signTokens(standIn, tokenCount) : undefined;
  const aliceFile = await writeTokens('alice', [token]);
  const rotationFiles = new Map<number, TokenFile>();
  for (const size of new Set(scenarios.flatMap((s) => (s.tokens ? [s.tokens] : [])))) {
    rotationFiles.set(size, await writeTokens(`rotation-${size}`, signed!.tokens.slice(0, size)));
  }
  const sliceFiles = await writeSlices(scenarios, rotationFiles);
  const dpop = names.some((name) => INSTANCE_SETUP[name].dpop)
    ? await DpopRequests.create(standIn, join(OUT, 'tokens-dpop.txt'))
    : undefined;
  if (dpop) tokenFiles.push(dpop.path);
  const logouts = names.some((name) => INSTANCE_SETUP[name].logouts)
    ? await signLogouts(standIn, REVOKED_SESSIONS)
    : undefined;
  const pinning = pinCpus();
  const serverCpu = pinning.pinned ? SERVER_CPU : undefined;
  // Alone on the servers' CPU, before any of them starts.
  const lookup = logouts ? measureLookup(ROOT, node.path, serverCpu) : undefined;
  if (names.some((name) => INSTANCES[name].redis)) redis = await RedisProcess.start(serverCpu);

  progress(
    `Keycloak stand-in on ${standIn.url}; starting ${names.join(', ')} on Node ${node.version}…\n`,
  );
  await startServers(names, standIn, pinning.pinned, productionFlags, node.path);
  const app = (name: InstanceName): AppProcess => groups.get(name)![0];
  await checkItemsBodies(names.filter((name) => !readsDatabase(name)).map(app), token);
  const revocation = logouts ? await revokeSessions(app('revocation'), logouts) : undefined;
  const items = Object.fromEntries(
    await Promise.all(
      names
        .filter(readsDatabase)
        .map(async (name) => [name, await seed(app(name), token)] as const),
    ),
  );
  const startMemory = Object.fromEntries(
    await Promise.all(apps.map(async (a) => [a.name, await a.memory()] as const)),
  );

  const runs = scenarios.map((scenario): ScenarioRun => ({
    scenario,
    targets: groups.get(scenario.instance)!,
    token: aliceFile,
    ...(scenario.slice
      ? { pool: rotationFiles.get(scenario.tokens!), slices: sliceFiles }
      : scenario.tokens
        ? { rotation: new TokenRotation(rotationFiles.get(scenario.tokens)!) }
        : {}),
    ...(INSTANCES[scenario.instance].redis ? { redis } : {}),
    ...(INSTANCE_SETUP[scenario.instance].dpop && scenario.authenticated ? { dpop } : {}),
    pinned: pinning.pinned,
    samples: [],
    keycloak: {},
    cpuMs: 0,
    roundCpuMs: [],
    redisCpuMs: 0,
    roundTokens: [],
  }));
  for (const run of runs) await warmUp(run, standIn);
  for (let round = 0; round < ROUNDS; round++) {
    // A B C, then C B A: each pair of neighbours is measured back to back in both orders.
    const order = round % 2 === 0 ? runs : [...runs].reverse();
    for (const run of order) await measureOnce(run, standIn, round);
  }
  const measurements = runs.map((run): Measurement => ({
    scenario: run.scenario,
    load: combine(run.samples),
    keycloak: run.keycloak,
    appCpuMs: run.cpuMs,
    roundAppCpuMs: run.roundCpuMs,
    ...(run.redis ? { redisCpuMs: run.redisCpuMs } : {}),
    ...(run.slices ? { roundTokens: run.roundTokens } : {}),
  }));

  // A replicated instance's figure is its largest replica's.
  const memoryOf = async (name: InstanceName): Promise<Memory> => {
    const all = await Promise.all(groups.get(name)!.map((a) => a.memory()));
    return all.reduce((most, m) => (m.peakMB > most.peakMB ? m : most));
  };
  const memory = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await memoryOf(name)] as const)),
  );
  for (const a of apps) if (!a.running) throw new Error(`${a.name} exited during the run`);
  if (redis && !redis.running) throw new Error('redis-server exited during the run');
  const redisVersion = redis ? redisServerVersion() : undefined;
  await cleanup();
  const generatorLoad = generatorLoadOf(measurements);

  const envText = (name: InstanceName): string => {
    const own = Object.entries(INSTANCE_SETUP[name].env).map(([k, v]) =>
      k === 'DATABASE_URL' ? `DATABASE_URL=${describeUrl(v)} (BENCH_DATABASE_URL)` : `${k}=${v}`,
    );
    if (INSTANCES[name].ceiling) return `bare Nest app, ${own.join(', ')}`;
    own.unshift(readsDatabase(name) ? 'dist/main.js' : 'no I/O (bench/api-no-io.ts)');
    if (INSTANCES[name].database === 'PGlite') own.push('PGlite in memory');
    if (!own.some((e) => e.startsWith('TOKEN_CACHE_MAX_ENTRIES'))) {
      const maxAgeSet = own.some((e) => e.startsWith('TOKEN_CACHE_'));
      own.push(maxAgeSet ? 'default TOKEN_CACHE_MAX_ENTRIES (10,000)' : 'default token cache');
    }
    if (INSTANCE_SETUP[name].noNodeFlags) own.push('no node flags');
    const replicas = INSTANCES[name].replicas ?? 1;
    if (replicas > 1) own.unshift(`${replicas} processes`);
    if (INSTANCES[name].redis) own.push('REDIS_URL (one redis-server for the three)');
    const logoutCount = INSTANCE_SETUP[name].logouts;
    if (logoutCount) {
      own.push(`${logoutCount.toLocaleString('en-US')} other sessions logged out before the runs`);
    }
    return `${own.join(', ')}, INTROSPECTION_CACHE_TTL_SECONDS=${INTROSPECTION_TTL_SECONDS}`;
  };
  const cpu = cpus();
  const info: RunInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: node.line ? `${node.version} (BENCH_NODE=${node.line})` : node.version,
    benchNode: process.version,
    generator,
    generatorLoad,
    smoke: SMOKE,
    cpu: `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}`,
    os: `Linux ${release()}`,
    connections: CONNECTIONS,
    durationSeconds: SECONDS * ROUNDS,
    warmupSeconds: WARMUP,
    rounds: ROUNDS,
    introspectionTtlSeconds: INTROSPECTION_TTL_SECONDS,
    benchSeconds: (performance.now() - started) / 1000,
    instances: Object.fromEntries(
      names.map((name) => [
        name,
        {
          env: envText(name),
          memory: memory[name],
          startMB: startMemory[name].rssMB,
          ...(items[name] ? { items: items[name] } : {}),
        },
      ]),
    ),
    skipped,
    postgresUrlMissing: skipped.some((why) => why.startsWith('db-postgres (BENCH_DATABASE_URL')),
    pinning: pinning.text,
    keycloakTotal: { ...standIn.requests },
    productionFlags,
    ...(signed ? { tokens: { count: signed.tokens.length, signSeconds: signed.seconds } } : {}),
    ...(revocation ? { revocation: { ...revocation, ...(lookup ? { lookup } : {}) } } : {}),
    ...(redisVersion ? { redis: redisVersion } : {}),
  };
  const targets = [...evaluateTargets(measurements, info), ...sharedStateTargets(measurements)];
  const sections = [
    ...sharedStateSection(measurements, info),
    ...dpopSection(measurements),
    ...doorsSection(measurements),
  ];
  const raw = renderMarkdown(measurements, info, targets, sections);
  const markdown = await format(raw, { ...(await resolveConfig(results)), filepath: results });
  await writeFile(results, markdown);
  process.stdout.write(`\n${markdown}\nWritten to ${relative(ROOT, results)}\n`);

  const broken = measurements.filter((m) => expectedShare(m) < 0.99);
  for (const m of broken) {
    process.stderr.write(
      `bench broken: ${m.scenario.method} ${m.scenario.path} on ${m.scenario.instance} answered ` +
        `${JSON.stringify(m.load.unexpected)} (${m.load.errors} errors), expected ${m.scenario.expectedStatus}; ` +
        `see dist-bench/logs/${m.scenario.instance}.log\n`,
    );
  }
  return broken.length ? 1 : 0;
}

/**
 * Starts every instance at once, each replica of a replicated one as its own process (into `apps`
 * and `groups`); throws the first failure once all settled.
 */
async function startServers(
  names: InstanceName[],
  keycloak: KeycloakStandIn,
  pinned: boolean,
  productionFlags: string[],
  node: string,
): Promise<void> {
  const baseEnv = {
    KEYCLOAK_URL: keycloak.url,
    KEYCLOAK_REALM: keycloak.realm,
    KEYCLOAK_CLIENT_ID: keycloak.clientId,
    KEYCLOAK_CLIENT_SECRET: keycloak.clientSecret,
    INTROSPECTION_CACHE_TTL_SECONDS: String(INTROSPECTION_TTL_SECONDS),
    // The embedded database in memory, unless an instance sets DATABASE_URL: no run writes to
    // (or waits for the lock of) .data/, whatever the shell or .env say.
    DATABASE_URL: '',
    PGLITE_DATA_DIR: 'memory://',
  };
  if (names.includes('db-pglite')) prepareEmbeddedDatabase(node);
  const starts = await Promise.allSettled(
    names.flatMap((name) => {
      const { ceiling, replicas = 1, redis: shared } = INSTANCES[name];
      const setup = INSTANCE_SETUP[name];
      if (shared && !redis) throw new Error(`${name}: no redis-server was started`);
      const env = {
        ...(ceiling ? {} : baseEnv),
        ...setup.env,
        ...(shared && redis ? { REDIS_URL: redis.url } : {}),
      };
      return Array.from({ length: replicas }, async (_, i) => {
        const processName = i === 0 ? name : `${name}-${i + 1}`;
        const options: AppOptions = {
          name: processName,
          cwd: ROOT,
          node,
          script: scriptOf(name),
          cpu: pinned ? SERVER_CPU : undefined,
          logFile: join(OUT, 'logs', `${processName}.log`),
          env,
          // All of them start at once on one CPU.
          startTimeoutMs: 180_000,
          nodeArgs: [
            ...(setup.noNodeFlags ? [] : productionFlags),
            ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT, 'profiles')}`] : []),
          ],
        };
        return { name, app: await AppProcess.start(options) };
      });
    }),
  );
  for (const s of starts) {
    if (s.status !== 'fulfilled') continue;
    apps.push(s.value.app);
    groups.set(s.value.name, [...(groups.get(s.value.name) ?? []), s.value.app]);
  }
  for (const s of starts) if (s.status === 'rejected') throw s.reason;
}

/** Posts the logouts to the revocation instance (it must refuse their session's token). */
async function revokeSessions(server: AppProcess, logouts: Logouts): Promise<RevocationInfo> {
  const count = logouts.tokens.length.toLocaleString('en-US');
  progress(`${server.name}: posting ${count} back-channel logouts…\n`);
  const seconds = await postLogouts(server.url, logouts);
  progress(`${server.name}: ${count} sessions logged out in ${seconds.toFixed(1)} s\n`);
  return { sessions: logouts.tokens.length, postSeconds: seconds };
}

/** `redis-server --version`'s version, e.g. "7.0.15". */
function redisServerVersion(): string {
  const line = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(line)?.[1] ?? line.trim();
}

/**
 * Fails the bench unless every server without a database sends the fixture's `GET /items`
 * body, byte for byte: the ratios compare servers that send the same bytes. Not on the
 * distinct-token instances, whose caches must hold their own tokens only (INSTANCE_SETUP).
 */
async function checkItemsBodies(servers: AppProcess[], token: string): Promise<void> {
  const expected = JSON.stringify(BENCH_ITEMS);
  for (const server of servers) {
    if (INSTANCE_SETUP[server.name as InstanceName].tokens) continue;
    const response = await fetch(`${server.url}/items`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await response.text();
    if (response.status !== 200 || body !== expected) {
      throw new Error(
        `${server.name}: GET /items answered ${response.status} with a body other than bench/items-fixture.ts's (${body.slice(0, 200)})`,
      );
    }
  }
}

/**
 * Seeds a database instance with `POST /items` (alice's token) until its first page holds
 * BENCH_ITEM_COUNT items (a database that already has them gets none), and returns what that
 * page is: its item count and body size.
 */
async function seed(server: AppProcess, token: string): Promise<{ count: number; bytes: number }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const firstPage = async (): Promise<{ count: number; bytes: number }> => {
    const response = await fetch(`${server.url}/items`, { headers });
    const body = await response.text();
    if (response.status !== 200) {
      throw new Error(`${server.name}: GET /items answered ${response.status}: ${body}`);
    }
    return { count: (JSON.parse(body) as unknown[]).length, bytes: Buffer.byteLength(body) };
  };
  const { count } = await firstPage();
  for (let id = count + 1; id <= BENCH_ITEM_COUNT; id++) {
    const response = await fetch(`${server.url}/items`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: benchItemName(id) }),
    });
    if (response.status !== 201) {
      throw new Error(
        `${server.name}: POST /items answered ${response.status}: ${await response.text()}`,
      );
    }
  }
  progress(`${server.name}: ${Math.max(0, BENCH_ITEM_COUNT - count)} items seeded\n`);
  return firstPage();
}

/** `host:port/database` of a PostgreSQL URL: never its user or password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * Signs `count` distinct access tokens of alice with the stand-in's realm key (each has its own
 * jti and sid). WebCrypto signs on libuv's thread pool, so a few hundred in flight keep both
 * CPUs busy; the tokens stay in memory and are never logged.
 */
async function signTokens(
  keycloak: KeycloakStandIn,
  count: number,
): Promise<{ tokens: string[]; seconds: number }> {
  const started = performance.now();
  const tokens: string[] = [];
  const batch = 256;
  const every = 10_000;
  progress(`Signing ${count.toLocaleString('en-US')} RS256 tokens…\n`);
  while (tokens.length < count) {
    const n = Math.min(batch, count - tokens.length);
    const mint = () => keycloak.tokenFor('alice', { expiresIn: 3600 });
    tokens.push(...(await Promise.all(Array.from({ length: n }, mint))));
    if (tokens.length % every < batch || tokens.length === count) {
      const seconds = (performance.now() - started) / 1000;
      progress(`  ${tokens.length.toLocaleString('en-US')} signed (${seconds.toFixed(1)} s)\n`);
    }
  }
  return { tokens, seconds: (performance.now() - started) / 1000 };
}

/** A file of bearer tokens, one a line, for bench/wrk.lua; deleted by cleanup(). */
interface TokenFile {
  path: string;
  tokens: readonly string[];
  /** Byte offset of each line. */
  offsets: number[];
}

const tokenFiles: string[] = [];

/** Writes `tokens` to dist-bench/tokens-<name>.txt (mode 600). */
async function writeTokens(name: string, tokens: readonly string[]): Promise<TokenFile> {
  const path = join(OUT, `tokens-${name}.txt`);
  const offsets: number[] = [];
  let offset = 0;
  for (const token of tokens) {
    offsets.push(offset);
    offset += token.length + 1; // base64url: one byte a character
  }
  tokenFiles.push(path);
  await writeFile(path, tokens.map((t) => `${t}\n`).join(''), { mode: 0o600 });
  return { path, tokens, offsets };
}

/**
 * The replica scenarios' slices: the pool cut into files of REPLICA_SLICE tokens (none when no
 * selected scenario has slices).
 */
async function writeSlices(
  scenarios: Scenario[],
  rotationFiles: Map<number, TokenFile>,
): Promise<TokenFile[]> {
  const sliced = scenarios.find((s) => s.slice);
  if (!sliced) return [];
  const pool = rotationFiles.get(sliced.tokens!)!.tokens;
  const files: TokenFile[] = [];
  for (let start = 0; start < pool.length; start += sliced.slice!) {
    const tokens = pool.slice(start, start + sliced.slice!);
    files.push(await writeTokens(`slice-${files.length + 1}`, tokens));
  }
  return files;
}

/** Round robin over a token file, carrying on where the last run stopped. */
class TokenRotation {
  private next = 0;

  constructor(readonly file: TokenFile) {}

  get size(): number {
    return this.file.tokens.length;
  }

  /** Byte offset of the next token, where the next wrk run starts reading. */
  get offset(): number {
    return this.file.offsets[this.next];
  }

  /** The next token, for one request of the bench's own. */
  take(): string {
    const token = this.file.tokens[this.next];
    this.skip(1);
    return token;
  }

  /** Moves past the tokens a wrk run took. */
  skip(count: number): void {
    this.next = (this.next + count) % this.size;
  }
}

/** One scenario's state across the rounds. */
interface ScenarioRun {
  scenario: Scenario;
  /** The instance's processes: one, or its replicas (one wrk thread each). */
  targets: AppProcess[];
  /** alice's one token, for the scenarios without a rotation. */
  token: TokenFile;
  rotation?: TokenRotation;
  /** A replica scenario's tokens (its warm-up verifies them all) and its runs' slices of them. */
  pool?: TokenFile;
  slices?: TokenFile[];
  /** The Redis its replicas share, whose CPU time it counts. */
  redis?: RedisProcess;
  /** A DPoP scenario's token and proofs, signed afresh before each run. */
  dpop?: DpopRequests;
  /** wrk goes to BENCH_CPU. */
  pinned: boolean;
  samples: LoadSample[];
  keycloak: KeycloakCounts;
  cpuMs: number;
  roundCpuMs: number[];
  redisCpuMs: number;
  roundTokens: number[];
}

/**
 * The wrk options of a scenario: a rotation starts where the last run stopped, a replica
 * scenario's run sends the next slice (each from its start), dealt out to the replicas; with
 * `alice`, alice's one token instead.
 */
function optionsOf(run: ScenarioRun, alice = false): Omit<LoadOptions, 'durationSeconds'> {
  const { scenario, rotation, targets, slices } = run;
  const slice = slices?.[run.samples.length % slices.length];
  const tokens = alice
    ? { tokensFile: run.token.path }
    : run.dpop
      ? { tokensFile: run.dpop.path, rotateFrom: 0, dpop: true }
      : slice
        ? { tokensFile: slice.path, rotateFrom: 0 }
        : rotation
          ? { tokensFile: rotation.file.path, rotateFrom: rotation.offset }
          : { tokensFile: run.token.path };
  return {
    url: targets[0].url + scenario.path,
    method: scenario.method,
    ...(scenario.body !== undefined ? { body: scenario.body } : {}),
    ...(targets.length > 1 ? { targets: targets.map((t) => `127.0.0.1:${t.port}`) } : {}),
    connections: connectionsOf(scenario),
    expectedStatus: scenario.expectedStatus,
    ...(scenario.authenticated ? tokens : {}),
    ...(run.pinned ? { cpu: BENCH_CPU } : {}),
  };
}

/**
 * A warm-up run, not counted: WARMUP seconds, or, with a token rotation, one pass over all its
 * tokens (each is verified once, and the cache fills as it would in service). A replica
 * scenario's warm-up is warmUpReplicas'.
 */
async function warmUp(run: ScenarioRun, keycloak: KeycloakStandIn): Promise<void> {
  const { scenario, rotation } = run;
  if (run.slices) return warmUpReplicas(run, keycloak);
  const what = rotation
    ? `one pass over ${rotation.size.toLocaleString('en-US')} tokens`
    : `${WARMUP} s`;
  progress(`${scenario.instance}: warm-up ${scenario.method} ${scenario.path} (${what})\n`);
  await refillProofs(run);
  const started = performance.now();
  if (rotation) {
    await pass(optionsOf(run), rotation.size, WARMUP_PASS_MAX_SECONDS);
    // The pass went once round, and wrk may have sent up to one more request per connection
    // (tokens from the first again) before it exited: the measured runs start past those.
    rotation.skip(CONNECTIONS);
  } else {
    const sample = await loadOnce(run, WARMUP);
    run.dpop?.sent(sample.tokensTaken);
  }
  await settle(run, keycloak);
  if (rotation) {
    const seconds = (performance.now() - started) / 1000;
    progress(`${scenario.instance}: warm-up pass done in ${seconds.toFixed(1)} s\n`);
  }
}

const verified = new Set<InstanceName>();

/**
 * A replica scenario's warm-up: once per instance, a pass of `GET /items` (a local route: no
 * Keycloak request) over every token of the pool to each replica, so every replica's token
 * cache holds them all and no measured run verifies a signature; then WARMUP seconds of the
 * scenario's route with alice's token, dealt out to the replicas.
 */
async function warmUpReplicas(run: ScenarioRun, keycloak: KeycloakStandIn): Promise<void> {
  const { scenario, targets } = run;
  const pool = run.pool!;
  if (!verified.has(scenario.instance)) {
    verified.add(scenario.instance);
    for (const target of targets) {
      const count = pool.tokens.length;
      progress(`${target.name}: warm-up GET /items, one pass over ${count} tokens\n`);
      const options = { url: `${target.url}/items`, method: 'GET', expectedStatus: 200 } as const;
      await pass(
        {
          ...options,
          connections: CONNECTIONS,
          tokensFile: pool.path,
          rotateFrom: 0,
          ...(run.pinned ? { cpu: BENCH_CPU } : {}),
        },
        count,
        WARMUP_PASS_MAX_SECONDS,
      );
    }
  }
  progress(`${scenario.instance}: warm-up ${scenario.method} ${scenario.path} (${WARMUP} s)\n`);
  await load({ ...optionsOf(run, true), durationSeconds: WARMUP });
  await quiet(keycloak);
}

/** One run of a scenario: wrk, or bench/ws-client.ts for a WebSocket scenario. */
function loadOnce(run: ScenarioRun, durationSeconds: number): Promise<LoadSample> {
  const { scenario, targets } = run;
  if (!scenario.ws) return load({ ...optionsOf(run), durationSeconds });
  return wsLoad({
    url: targets[0].url.replace(/^http/, 'ws') + scenario.path,
    tokensFile: run.token.path,
    connections: connectionsOf(scenario),
    durationSeconds,
    ...scenario.ws,
    ...(run.pinned ? { cpu: BENCH_CPU } : {}),
  });
}

/** A DPoP scenario's fresh proofs for its next run (outside the measured time). */
async function refillProofs(run: ScenarioRun): Promise<void> {
  if (!run.dpop) return;
  const seconds = await run.dpop.refill(run.targets[0].url + run.scenario.path);
  progress(`${run.scenario.instance}: proofs for the next run signed in ${seconds.toFixed(1)} s\n`);
}

/** wrk's connections for a scenario: its instance's own number, or BENCH_CONNECTIONS. */
const connectionsOf = (scenario: Scenario): number =>
  INSTANCE_SETUP[scenario.instance].connections ?? CONNECTIONS;

/** The CPU time of a scenario's processes so far, summed. */
async function cpuMsOf(targets: AppProcess[]): Promise<number> {
  const times = await Promise.all(targets.map((target) => target.cpuMs()));
  return times.reduce((sum, ms) => sum + ms, 0);
}

/**
 * One measured run of a scenario in a round, with the app's CPU time (and its Redis') and the
 * stand-in requests it caused.
 */
async function measureOnce(
  run: ScenarioRun,
  keycloak: KeycloakStandIn,
  round: number,
): Promise<void> {
  const { scenario, targets } = run;
  await refillProofs(run);
  const before = { ...keycloak.requests };
  const redisBefore = (await run.redis?.cpuMs()) ?? 0;
  const cpuBefore = await cpuMsOf(targets);
  const sample = await loadOnce(run, SECONDS);
  const cpuMs = (await cpuMsOf(targets)) - cpuBefore;
  if (run.redis) run.redisCpuMs += (await run.redis.cpuMs()) - redisBefore;
  run.cpuMs += cpuMs;
  run.roundCpuMs.push(cpuMs);
  if (scenario.slice) run.roundTokens.push(Math.min(scenario.slice, sample.tokensTaken));
  run.rotation?.skip(sample.tokensTaken);
  run.dpop?.sent(sample.tokensTaken);
  await settle(run, keycloak);
  sample.endedAt = performance.now(); // the counters below cover the settling request too
  for (const [endpoint, n] of Object.entries(keycloak.requests)) {
    const delta = n - before[endpoint as keyof typeof before];
    run.keycloak[endpoint] = (run.keycloak[endpoint] ?? 0) + delta;
  }
  run.samples.push(sample);
  progress(
    `round ${round + 1}/${ROUNDS} ${scenario.instance} ${scenario.method} ${scenario.path}: ` +
      `${Math.round(sampleReqPerSec(sample))} req/s; wrk: ${generatorText(sample.generator)}\n`,
  );
}

/**
 * One more request of the scenario, awaited, before the stand-in counters are read: a request
 * wrk abandoned at the end of a run may have started an introspection that reaches the
 * stand-in later. The app shares one pending introspection per token, so when this request is
 * answered that call has been counted, and it is not put on the next scenario's account. A
 * replica scenario's abandoned requests carry many tokens: it waits for the stand-in to go quiet.
 */
async function settle(run: ScenarioRun, keycloak: KeycloakStandIn): Promise<void> {
  const { scenario, rotation, targets } = run;
  if (run.slices) return quiet(keycloak);
  // A socket's messages ask Keycloak nothing; its handshake was awaited before the run.
  if (scenario.ws) return;
  const target = targets[0];
  const headers: Record<string, string> = {};
  if (scenario.authenticated) {
    headers.authorization = `Bearer ${rotation ? rotation.take() : run.token.tokens[0]}`;
  }
  const response = await fetch(target.url + scenario.path, { method: scenario.method, headers });
  await response.arrayBuffer();
}

/** Waits until the stand-in has had no request for 100 ms (at most 2 s). */
async function quiet(keycloak: KeycloakStandIn): Promise<void> {
  const total = (): number => Object.values(keycloak.requests).reduce((sum, n) => sum + n, 0);
  let last = -1;
  for (let i = 0; i < 20 && total() !== last; i++) {
    last = total();
    await delay(100);
  }
}

/** "31 % of a CPU, ran or waited to run 40 % of the time, CPU 0 88 % busy". */
function generatorText({ cpuShare, demand, coreBusy }: LoadSample['generator']): string {
  const pct = (share: number): string => `${Math.round(share * 100)} %`;
  return [
    `${pct(cpuShare)} of a CPU`,
    ...(demand === undefined ? [] : [`ran or waited to run ${pct(demand)} of the time`]),
    ...(coreBusy === undefined ? [] : [`CPU ${BENCH_CPU} ${pct(coreBusy)} busy`]),
  ].join(', ');
}

/** The load generator's busiest runs, and how many runs found its CPU saturated. */
function generatorLoadOf(measurements: Measurement[]): RunInfo['generatorLoad'] {
  const most = (of: (m: Measurement) => number | undefined): { max: number; scenario: string } =>
    measurements.reduce(
      (worst, m) => ((of(m) ?? -1) > worst.max ? { max: of(m)!, scenario: m.scenario.id } : worst),
      { max: -1, scenario: '' },
    );
  const cpu = most((m) => m.load.generator.maxCpuShare);
  const demand = most((m) => m.load.generator.maxDemand);
  const busy = measurements.flatMap((m) => m.load.generator.coreBusy);
  return {
    maxCpuShare: cpu.max,
    cpuScenario: cpu.scenario,
    ...(demand.max >= 0 ? { maxDemand: demand.max, demandScenario: demand.scenario } : {}),
    ...(busy.length
      ? {
          core: {
            max: Math.max(...busy),
            saturatedRuns: busy.filter((b) => b >= SATURATED).length,
            runs: busy.length,
          },
        }
      : {}),
  };
}

/**
 * Keeps the servers and the load generator off each other's CPU: this process (every thread:
 * the stand-in, libuv's pool; threads made later inherit it) moves to CPU 0 with
 * `taskset -a -p`, wrk runs under `taskset -c 0` and the servers under `taskset -c 1`. Skipped
 * without taskset or a second CPU, or when BENCH_PIN=0.
 */
function pinCpus(): { pinned: boolean; text: string } {
  const unpinned = (why: string) => ({
    pinned: false,
    text: `Not pinned to CPUs (${why}): the servers and the load generator compete for the same cores.`,
  });
  if (process.env.BENCH_PIN === '0') return unpinned('BENCH_PIN=0');
  if (!HAS_TASKSET) return unpinned('no taskset');
  if (cpus().length < 2) return unpinned('one CPU');
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(BENCH_CPU), String(process.pid)], {
      stdio: 'ignore',
    });
  } catch (error) {
    return unpinned(`taskset failed: ${(error as Error).message}`);
  }
  return {
    pinned: true,
    text: `Pinned with taskset: every server child on CPU ${SERVER_CPU} (one at a time under load, the others idle), wrk and this process (the Keycloak stand-in) on CPU ${BENCH_CPU}.`,
  };
}

/**
 * Stops the apps and Redis (by PID) and the stand-in, and deletes the token files; safe to call
 * twice.
 */
async function cleanup(): Promise<void> {
  await Promise.all(apps.map((a) => a.stop()));
  await redis?.stop();
  await standIn?.stop();
  await Promise.all(tokenFiles.map((path) => rm(path, { force: true })));
}

function progress(text: string): void {
  process.stderr.write(text);
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

process.once('exit', () => {
  apps.forEach((a) => a.killNow());
  redis?.killNow();
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    progress(`\n${sig}: stopping the apps and the stand-in\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await cleanup().catch(() => undefined);
    process.exitCode = 1;
  },
);
