/**
 * `npm run bench`: a benchmark for people, not a pass/fail test.
 *
 * Builds the app and this folder, starts the Keycloak stand-in (test/support) in this process
 * and five servers as child processes on free loopback ports: the built API (`node
 * dist/main.js`) as `cache-on` (Express, default settings), `cache-off` (Express,
 * TOKEN_CACHE_MAX_ENTRIES=0) and `fastify` (HTTP_ADAPTER=fastify, default settings), and the
 * ceiling (bench/ceiling/main.ts, a bare Nest app with the same routes and bodies) as
 * `ceiling-express` and `ceiling-fastify`. Then, with autocannon in this process:
 * GET /health, GET /items (alice's token) and DELETE /items/999999 (introspected, 404) on each,
 * except DELETE on cache-off; the ceilings get the same requests, Authorization included.
 * Per instance: a warm-up run of each scenario (not counted), then the measured time
 * in rounds, every other one in reverse order, so drift of the machine's speed is shared out.
 * It counts the requests that reached the stand-in and the app's CPU time during the measured
 * runs, and reads each child's VmHWM/VmRSS from /proc at the end. With taskset and 2+ CPUs the
 * servers run on CPU 1 and this process moves to CPU 0 (see pinCpus).
 *
 * Prints a markdown table and PASS/MISS per target, and overwrites bench/results.md.
 * Exit code 0 whatever the targets say; 1 only when the bench itself broke (an app did not
 * start or died, or a route answered other than expected).
 *
 * Knobs (environment): BENCH_CONNECTIONS (50), BENCH_DURATION (10 s measured per scenario),
 * BENCH_WARMUP (2 s), BENCH_ROUNDS (4), BENCH_PIN=0 (no CPU pinning), BENCH_CPU_PROF=1 (start
 * the servers with --cpu-prof, profiles in dist-bench/profiles). Child logs:
 * dist-bench/logs/<instance>.log. Takes about 3.5 min on 2 cores.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { execFileSync } from 'node:child_process';
import { AppProcess, HAS_TASKSET, type AppOptions } from './app-process.js';
import { combine, load, type LoadSample } from './load.js';
import {
  evaluateTargets,
  expectedShare,
  INSTANCES,
  renderMarkdown,
  type InstanceName,
  type KeycloakCounts,
  type Measurement,
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
const RESULTS = join(ROOT, 'bench', 'results.md');

const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const DURATION = positiveInt('BENCH_DURATION', 10);
const WARMUP = positiveInt('BENCH_WARMUP', 2);
const ROUNDS = positiveInt('BENCH_ROUNDS', 4);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const INTROSPECTION_TTL_SECONDS = 10;

const ALICE = 'alice (api-admin)';
/** The routes, then which instance runs which: cache-off skips the introspected route. */
const ROUTES = {
  health: { label: '`GET /health`', method: 'GET', path: '/health', authenticated: false },
  items: { label: '`GET /items`', method: 'GET', path: '/items', authenticated: true },
  delete: {
    label: '`DELETE /items/999999` (introspected, 404)',
    method: 'DELETE',
    path: '/items/999999',
    authenticated: true,
  },
} as const;
type Route = keyof typeof ROUTES;
const KINDS: Record<Route, Scenario['kind']> = {
  health: 'public',
  items: 'local',
  delete: 'introspected',
};
const EXPECTED: Record<Route, number> = { health: 200, items: 200, delete: 404 };
const PROJECT_AUTH: Record<Route, string> = {
  health: 'none (`@Public()`)',
  items: `${ALICE}: JWT checked locally, verified-token cache hit`,
  delete: `${ALICE}: JWT + role + introspection (${INTROSPECTION_TTL_SECONDS} s answer cache)`,
};
const CEILING_AUTH = 'none (the same Authorization header is sent, and ignored)';

interface InstanceSetup {
  routes: Route[];
  /** Environment on top of the stand-in's; the ceilings read HTTP_ADAPTER and PORT only. */
  env: Record<string, string>;
  auth?: Partial<Record<Route, string>>;
}
const ALL_ROUTES: Route[] = ['health', 'items', 'delete'];
/** In the order they are measured: each ceiling just before the API on its adapter. */
const INSTANCE_SETUP: Record<InstanceName, InstanceSetup> = {
  'ceiling-express': { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'express' } },
  'cache-on': { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'express' } },
  'cache-off': {
    routes: ['health', 'items'],
    env: { HTTP_ADAPTER: 'express', TOKEN_CACHE_MAX_ENTRIES: '0' },
    auth: { items: `${ALICE}: JWT signature verified on every request` },
  },
  'ceiling-fastify': { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'fastify' } },
  fastify: { routes: ALL_ROUTES, env: { HTTP_ADAPTER: 'fastify' } },
};
const CEILING_SCRIPT = 'dist-bench/bench/ceiling/main.js';

const SCENARIOS: Scenario[] = (Object.keys(INSTANCE_SETUP) as InstanceName[]).flatMap(
  (instance) => {
    const setup = INSTANCE_SETUP[instance];
    return setup.routes.map((route) => ({
      id: `${route}:${instance}`,
      ...ROUTES[route],
      instance,
      kind: KINDS[route],
      auth: INSTANCES[instance].ceiling
        ? route === 'health'
          ? 'none'
          : CEILING_AUTH
        : (setup.auth?.[route] ?? PROJECT_AUTH[route]),
      expectedStatus: EXPECTED[route],
    }));
  },
);

/** Servers on CPU 1, this process (autocannon, the stand-in) on CPU 0, when taskset exists. */
const SERVER_CPU = 1;
const BENCH_CPU = 0;

const apps: AppProcess[] = [];
let standIn: KeycloakStandIn | undefined;

async function main(): Promise<number> {
  const started = performance.now();
  for (const script of ['dist/main.js', CEILING_SCRIPT]) {
    if (!existsSync(join(ROOT, script))) {
      throw new Error(`${script} is missing: run \`npm run bench\` (it builds both)`);
    }
  }
  const pinning = pinCpus();
  await mkdir(join(OUT, 'logs'), { recursive: true });
  if (CPU_PROF) await mkdir(join(OUT, 'profiles'), { recursive: true });

  standIn = await KeycloakStandIn.start();
  const token = await standIn.tokenFor('alice', { expiresIn: 3600 });
  const baseEnv = {
    KEYCLOAK_URL: standIn.url,
    KEYCLOAK_REALM: standIn.realm,
    KEYCLOAK_CLIENT_ID: standIn.clientId,
    KEYCLOAK_CLIENT_SECRET: standIn.clientSecret,
    INTROSPECTION_CACHE_TTL_SECONDS: String(INTROSPECTION_TTL_SECONDS),
  };

  const instanceNames = Object.keys(INSTANCE_SETUP) as InstanceName[];
  progress(`Keycloak stand-in on ${standIn.url}; starting ${instanceNames.join(', ')}…\n`);
  const starts = await Promise.allSettled(
    instanceNames.map((name) => {
      const ceiling = INSTANCES[name].ceiling;
      const options: AppOptions = {
        name,
        cwd: ROOT,
        script: ceiling ? CEILING_SCRIPT : 'dist/main.js',
        cpu: pinning.pinned ? SERVER_CPU : undefined,
        logFile: join(OUT, 'logs', `${name}.log`),
        env: { ...(ceiling ? {} : baseEnv), ...INSTANCE_SETUP[name].env },
        // Five start at once on one CPU.
        startTimeoutMs: 60_000,
        nodeArgs: [
          ...productionNodeFlags(),
          ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT, 'profiles')}`] : []),
        ],
      };
      return AppProcess.start(options);
    }),
  );
  for (const s of starts) if (s.status === 'fulfilled') apps.push(s.value);
  for (const s of starts) if (s.status === 'rejected') throw s.reason;
  const app = (name: InstanceName): AppProcess => apps.find((a) => a.name === name)!;
  const startMemory = Object.fromEntries(
    await Promise.all(apps.map(async (a) => [a.name, await a.memory()] as const)),
  );

  const measurements: Measurement[] = [];
  for (const name of instanceNames) {
    measurements.push(...(await measureInstance(app(name), token, standIn)));
  }

  const memory = Object.fromEntries(
    await Promise.all(instanceNames.map(async (name) => [name, await app(name).memory()] as const)),
  );
  for (const a of apps) if (!a.running) throw new Error(`${a.name} exited during the run`);
  await cleanup();

  const envText = (name: InstanceName): string => {
    const own = Object.entries(INSTANCE_SETUP[name].env).map(([k, v]) => `${k}=${v}`);
    if (INSTANCES[name].ceiling) return `bare Nest app, ${own.join(', ')}`;
    if (!own.some((e) => e.startsWith('TOKEN_CACHE_'))) own.push('default token cache');
    return `${own.join(', ')}, INTROSPECTION_CACHE_TTL_SECONDS=${INTROSPECTION_TTL_SECONDS}`;
  };
  const cpu = cpus();
  const info: RunInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cpu: `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}`,
    os: `Linux ${release()}`,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    rounds: ROUNDS,
    introspectionTtlSeconds: INTROSPECTION_TTL_SECONDS,
    benchSeconds: (performance.now() - started) / 1000,
    instances: Object.fromEntries(
      instanceNames.map((name) => [
        name,
        { env: envText(name), memory: memory[name], startMB: startMemory[name].rssMB },
      ]),
    ) as RunInfo['instances'],
    pinning: pinning.text,
    keycloakTotal: { ...standIn.requests },
  };
  const targets = evaluateTargets(measurements, info);
  const raw = renderMarkdown(measurements, info, targets);
  const markdown = await format(raw, { ...(await resolveConfig(RESULTS)), filepath: RESULTS });
  await writeFile(RESULTS, markdown);
  process.stdout.write(`\n${markdown}\nWritten to bench/results.md\n`);

  const broken = measurements.filter((m) => expectedShare(m) < 0.99);
  for (const m of broken) {
    process.stderr.write(
      `bench broken: ${m.scenario.method} ${m.scenario.path} on ${m.scenario.instance} answered ` +
        `${JSON.stringify(m.load.statusCodes)} (${m.load.errors} errors), expected ${m.scenario.expectedStatus}; ` +
        `see dist-bench/logs/${m.scenario.instance}.log\n`,
    );
  }
  return broken.length ? 1 : 0;
}

/**
 * The scenarios of one instance: a warm-up run of each, then ROUNDS rounds that run each
 * scenario for DURATION / ROUNDS seconds, every other round in reverse order (A B C, C B A),
 * so a drift of the machine's speed during the run weighs on every scenario alike.
 */
async function measureInstance(
  target: AppProcess,
  token: string,
  keycloakStandIn: KeycloakStandIn,
): Promise<Measurement[]> {
  const scenarios = SCENARIOS.filter((s) => s.instance === target.name);
  const optionsOf = (scenario: Scenario) => {
    const headers: Record<string, string> = {};
    if (scenario.authenticated) headers.authorization = `Bearer ${token}`;
    return {
      url: target.url + scenario.path,
      method: scenario.method,
      headers,
      connections: CONNECTIONS,
    };
  };
  for (const scenario of scenarios) {
    progress(`${target.name}: warm-up ${scenario.method} ${scenario.path} (${WARMUP} s)\n`);
    await load({ ...optionsOf(scenario), durationSeconds: WARMUP });
    await settle(optionsOf(scenario));
  }
  const samples = new Map<Scenario, LoadSample[]>(scenarios.map((s) => [s, []]));
  const keycloak = new Map<Scenario, KeycloakCounts>(scenarios.map((s) => [s, {}]));
  const cpu = new Map<Scenario, number>(scenarios.map((s) => [s, 0]));
  const roundSeconds = DURATION / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
    for (const scenario of order) {
      const before = { ...keycloakStandIn.requests };
      const cpuBefore = await target.cpuMs();
      const sample = await load({
        ...optionsOf(scenario),
        durationSeconds: roundSeconds,
        recordLatencies: true,
      });
      const cpuAfter = await target.cpuMs();
      cpu.set(scenario, cpu.get(scenario)! + cpuAfter - cpuBefore);
      await settle(optionsOf(scenario));
      sample.endedAt = performance.now(); // the counters below cover the settling request too
      const counts = keycloak.get(scenario)!;
      for (const [endpoint, n] of Object.entries(keycloakStandIn.requests)) {
        const delta = n - before[endpoint as keyof typeof before];
        counts[endpoint] = (counts[endpoint] ?? 0) + delta;
      }
      samples.get(scenario)!.push(sample);
      progress(
        `${target.name}: round ${round + 1}/${ROUNDS} ${scenario.method} ${scenario.path}: ` +
          `${Math.round(sample.requests / sample.durationSeconds)} req/s\n`,
      );
    }
  }
  return scenarios.map((scenario) => ({
    scenario,
    load: combine(samples.get(scenario)!),
    keycloak: keycloak.get(scenario)!,
    appCpuMs: cpu.get(scenario)!,
  }));
}

/**
 * One more request of the scenario, awaited, before the stand-in counters are read: a request
 * autocannon abandoned at the end of a run may have started an introspection that reaches the
 * stand-in later. The app shares one pending introspection per token, so when this request is
 * answered that call has been counted, and it is not put on the next scenario's account.
 */
async function settle(options: {
  url: string;
  method: string;
  headers: Record<string, string>;
}): Promise<void> {
  const response = await fetch(options.url, { method: options.method, headers: options.headers });
  await response.arrayBuffer();
}

/**
 * Keeps the servers and the load generator off each other's CPU: this process (every thread:
 * autocannon, the stand-in, libuv's pool; threads made later inherit it) moves to CPU 0 with
 * `taskset -a -p`, and the children are started under `taskset -c 1`. Skipped without
 * taskset or a second CPU, or when BENCH_PIN=0.
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
    text: `Pinned with taskset: every server child on CPU ${SERVER_CPU} (one at a time under load, the others idle), this process (autocannon and the stand-in) on CPU ${BENCH_CPU}.`,
  };
}

/** Stops the apps (by PID) and the stand-in; safe to call twice. */
async function cleanup(): Promise<void> {
  await Promise.all(apps.map((a) => a.stop()));
  await standIn?.stop();
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

process.once('exit', () => apps.forEach((a) => a.killNow()));
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
