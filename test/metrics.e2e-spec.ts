import type { INestApplication } from '@nestjs/common';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort } from './support/child-app.js';
import { createTestApp } from './support/test-app.js';
import { sample } from './support/scrape.js';

/** Debian's prometheus package; `.ci/run` installs it (scripts/prometheus.sh install). */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;

const duration = (method: string, route: string, status: number) =>
  `http_server_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"}`;

describe.each(ADAPTERS)('%s: Prometheus metrics on METRICS_PORT', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let metricsUrl: string;
  let scrape: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    app = await createTestApp(keycloak, { adapter, env: { METRICS_PORT: String(port) } });
    const bob = await keycloak.tokenFor('bob');
    const carol = await keycloak.tokenFor('carol');
    const api = () => request(app.getHttpServer());
    await api().get('/health').expect(200);
    await api().get('/health').expect(200);
    await api().get('/items/999999').set('Authorization', `Bearer ${bob}`).expect(404);
    await api().get('/items').set('Authorization', `Bearer ${bob}`).expect(200);
    await api().get('/items').expect(401);
    await api().get('/items').set('Authorization', `Bearer ${carol}`).expect(403);
    await api().get('/no/such/path/42').expect(404);
    await api().get('/another/unknown').expect(404);
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    scrape = await response.text();
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it('times requests by route template and status, unmatched paths under one label', () => {
    expect(sample(scrape, duration('GET', '/health', 200))).toBe(2);
    expect(sample(scrape, duration('GET', '/items/:id', 404))).toBe(1);
    expect(sample(scrape, duration('GET', '/items', 200))).toBe(1);
    expect(sample(scrape, duration('GET', '/items', 401))).toBe(1);
    expect(sample(scrape, duration('GET', '/items', 403))).toBe(1);
    expect(sample(scrape, duration('GET', 'unmatched', 404))).toBe(2);
    expect(scrape).not.toContain('/no/such/path');
  });

  it('counts auth decisions with their reason codes', () => {
    const decision = (stage: string, outcome: string, reason: string) =>
      sample(
        scrape,
        `auth_decisions_total{stage="${stage}",outcome="${outcome}",reason="${reason}"}`,
      );
    expect(decision('authentication', 'refused', 'ERR_AUTH_MISSING_TOKEN')).toBe(1);
    expect(decision('authorization', 'refused', 'ERR_AUTH_INSUFFICIENT_ROLES')).toBe(1);
    expect(decision('authentication', 'accepted', 'ok')).toBe(3); // bob twice, carol once
    expect(decision('authorization', 'accepted', 'ok')).toBe(2); // bob twice
  });

  it('reports the caches, the Keycloak calls and the key set of the stand-in', () => {
    // bob's token: verified once (a miss), then found (a hit); carol's: one more miss.
    expect(sample(scrape, 'verified_token_cache_requests_total{result="hit"}')).toBe(1);
    expect(sample(scrape, 'verified_token_cache_requests_total{result="miss"}')).toBe(2);
    expect(sample(scrape, 'introspection_cache_requests_total{result="hit"}')).toBe(0);
    expect(sample(scrape, 'keycloak_requests_total{endpoint="jwks",outcome="success"}')).toBe(1);
    expect(sample(scrape, 'keycloak_requests_total{endpoint="jwks",outcome="error"}')).toBe(0);
    expect(sample(scrape, 'keycloak_request_duration_seconds_count{endpoint="jwks"}')).toBe(1);
    expect(sample(scrape, 'jwks_keys')).toBeGreaterThanOrEqual(1);
    const fetchedAt = sample(scrape, 'jwks_last_success_timestamp_seconds') ?? 0;
    expect(Math.abs(Date.now() / 1000 - fetchedAt)).toBeLessThan(60);
  });

  it("has Node's process metrics, and no database pool on the embedded database", () => {
    expect(sample(scrape, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scrape).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(scrape).not.toContain('db_pool_');
  });

  it('is not served on the API port', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(404);
    expect(response.text).not.toContain('http_server_request_duration_seconds');
  });

  (PROMTOOL ? it : it.skip)('passes `promtool check metrics`', () => {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({
      status: 0,
      output: '',
    });
  });
});

describe('start-up of the built app with METRICS_PORT', () => {
  // `npm test` builds first; text logs, so stderr is the line a person reads.
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    PGLITE_DATA_DIR: 'memory://',
    LOG_FORMAT: 'text',
  };

  it('stops with one line and exit code 1 when the metrics port is taken', async () => {
    const holder = createServer().listen(0); // all interfaces, like the metrics server
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, ['dist/main.js'], {
        env: { ...env, PORT: String(await freePort()), METRICS_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `Cannot listen: metrics port ${port} is already in use (set METRICS_PORT, or 0 to turn metrics off)`,
      );
      expect(stdout).not.toMatch(/successfully started|API listening/);
    } finally {
      holder.close();
    }
  }, 30_000);

  it('refuses METRICS_PORT equal to PORT, naming it: metrics never share the API port', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { ...env, PORT: '9555', METRICS_PORT: '9555' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: METRICS_PORT must differ from PORT (metrics are never served on the API port; 0 turns them off)',
    ]);
  });
});
