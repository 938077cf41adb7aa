import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from '../support/adapters.js';
import { freePort, started } from '../support/child-app.js';

const run = promisify(execFile);
const SCRIPT = 'scripts/prometheus.sh';
/** How long Prometheus may take to show what the apps did (it scrapes every second). */
const DEADLINE_MS = 30_000;

/** One sample of an instant query: its labels and its value. */
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One built app (`node dist/main.js`, as in production: one app per process). */
interface Api {
  child: ChildProcess;
  base: string;
  /** Its METRICS_PORT, as Prometheus' `instance` label names it. */
  target: string;
}

/**
 * A real Prometheus scrapes the built app on each HTTP platform, each with METRICS_PORT on a
 * spare port chosen here (Prometheus must know its targets before it starts). The spec starts
 * and stops it through scripts/prometheus.sh; `.ci/run` stops it too on any exit.
 */
describe('a real Prometheus scraping the API', () => {
  let keycloak: KeycloakStandIn;
  const apis: Record<string, Api> = {};
  let prometheus: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    for (const adapter of ADAPTERS) {
      const [port, metricsPort] = [await freePort(), await freePort()];
      const child = spawn(process.execPath, ['dist/main.js'], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          HTTP_ADAPTER: adapter,
          PORT: String(port),
          METRICS_PORT: String(metricsPort),
          SHUTDOWN_DRAIN_MS: '0',
          KEYCLOAK_URL: keycloak.url,
          PGLITE_DATA_DIR: 'memory://',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      apis[adapter] = {
        child,
        base: `http://127.0.0.1:${port}`,
        target: `127.0.0.1:${metricsPort}`,
      };
      await started(child);
    }
    const targets = Object.values(apis).map((api) => api.target);
    const { stdout } = await run('bash', [SCRIPT, 'start', ...targets]);
    prometheus = stdout.trim();
  }, 120_000);

  afterAll(async () => {
    await run('bash', [SCRIPT, 'stop']);
    for (const { child } of Object.values(apis)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await keycloak.stop();
  });

  /** Sends `count` requests to `path` of every app, expecting `status`. */
  async function send(api: Api, path: string, count: number, status: number, token?: string) {
    for (let i = 0; i < count; i++) {
      const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
      const response = await fetch(`${api.base}${path}`, { headers });
      await response.arrayBuffer();
      expect(response.status).toBe(status);
    }
  }

  /** Runs an instant query; throws with Prometheus' error when it is not a valid one. */
  async function query(promql: string): Promise<Sample[]> {
    const url = `${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`;
    const body = (await (await fetch(url)).json()) as {
      status: string;
      error?: string;
      data?: { result: Sample[] };
    };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data!.result;
  }

  /** Polls `promql` until `done` holds for its samples or the deadline passes. */
  async function until(promql: string, done: (samples: Sample[]) => boolean): Promise<Sample[]> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const samples = await query(promql);
      if (done(samples)) return samples;
      if (Date.now() > deadline) {
        throw new Error(`${promql} after ${DEADLINE_MS} ms: ${JSON.stringify(samples)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const byInstance = (samples: Sample[]) =>
    Object.fromEntries(samples.map((s) => [s.metric.instance, Number(s.value[1])]));

  it('scrapes both apps', async () => {
    const up = await until('up{job="nest-keycloak-api"} == 1', (s) => s.length === 2);
    expect(Object.keys(byInstance(up)).sort()).toEqual(
      Object.values(apis)
        .map((api) => api.target)
        .sort(),
    );
  });

  it('sees the refused requests of each app in auth_decisions_total', async () => {
    await send(apis.express, '/items', 2, 401);
    await send(apis.fastify, '/items', 3, 401);
    const refused = await until(
      'auth_decisions_total{outcome="refused",reason="ERR_AUTH_MISSING_TOKEN"}',
      (s) => s.length === 2 && s.every((sample) => Number(sample.value[1]) > 0),
    );
    // Each process counts its own: express 2, fastify 3.
    expect(byInstance(refused)).toEqual({ [apis.express.target]: 2, [apis.fastify.target]: 3 });
  });

  it('answers the documented queries (docs/operations.md#metrics)', async () => {
    const token = await keycloak.tokenFor('bob');
    for (const api of Object.values(apis)) await send(api, '/items', 3, 200, token);
    const hitRatio = await until(
      'sum by (instance) (rate(verified_token_cache_requests_total{result="hit"}[1m])) / sum by (instance) (rate(verified_token_cache_requests_total[1m]))',
      (s) => s.length === 2 && s.every((sample) => Number(sample.value[1]) > 0),
    );
    for (const ratio of Object.values(byInstance(hitRatio))) expect(ratio).toBeLessThanOrEqual(1);
    await query(
      'sum by (instance) (rate(http_server_request_duration_seconds_count{status_code="401"}[5m]))',
    );
    await query(
      'sum by (instance) (increase(keycloak_requests_total{endpoint="jwks",outcome!="success"}[15m]))',
    );
    await query(
      'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket[5m])))',
    );
  });

  it('loads and evaluates the alerting rules of prometheus/alerts.yml', async () => {
    const deadline = Date.now() + DEADLINE_MS;
    let rules: Array<{ name: string; health: string; lastError?: string }> = [];
    while (Date.now() < deadline) {
      const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: typeof rules }> };
      };
      rules = body.data.groups.flatMap((group) => group.rules);
      if (rules.length > 0 && rules.every((rule) => rule.health === 'ok')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(rules.map((rule) => [rule.name, rule.health, rule.lastError ?? ''])).toEqual([
      ['ApiHighUnauthorizedRate', 'ok', ''],
      ['KeycloakJwksFetchFailing', 'ok', ''],
      ['ApiTokenVerificationUnavailable', 'ok', ''],
    ]);
  });
});
