import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort } from './support/child-app.js';
import { LogCapture } from './support/log-capture.js';
import { createTestApp } from './support/test-app.js';
import { sample } from './support/scrape.js';

/**
 * REDIS_URL names a Redis that is not there (a loopback port nobody listens on): the API starts,
 * serves every route, and each shared use falls back to this process — never a 500. Logged once
 * per use at WARN (plus one `redis_down`), counted in `redis_fallbacks_total`, named by
 * `/health/ready` (still 200). The suites with a real Redis are in test/redis/.
 */
describe.each(ADAPTERS)('%s: REDIS_URL set but Redis unreachable', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let logs: LogCapture;
  let metricsUrl: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    logs = new LogCapture();
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    app = await createTestApp(keycloak, {
      adapter,
      logger: logs,
      env: {
        REDIS_URL: `redis://:hunter2-redis@127.0.0.1:${await freePort()}`,
        REDIS_TIMEOUT_MS: '200',
        METRICS_PORT: String(metricsPort),
        BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
        AUTH_FAILURE_LIMIT: '2',
      },
    });
    await app.listen(0, '127.0.0.1');
    keycloak.registerBackchannelLogout(`${await app.getUrl()}/auth/backchannel-logout`);
  });

  afterAll(async () => {
    await app?.close();
    await keycloak?.stop();
  });

  const api = () => request(app.getHttpServer());

  it('starts and serves; /health/ready stays 200 and names redis: down', async () => {
    const token = await keycloak.tokenFor('bob');
    await api().get('/items').set('Authorization', `Bearer ${token}`).expect(200);
    const ready = await api().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'up', redis: 'down' });
  });

  it('applies a logout here, refuses its replay, and refuses the ended session', async () => {
    const sid = randomUUID();
    const token = await keycloak.tokenFor('bob', { sid });
    await api().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    const logout = await keycloak.logoutToken({ sid });
    const post = () =>
      api().post('/auth/backchannel-logout').type('form').send({ logout_token: logout });
    await post().expect(200);
    expect((await post().expect(400)).body).toMatchObject({ error: 'invalid_request' });
    const refused = await api().get('/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body).toMatchObject({ message: 'Token is no longer active' });
  });

  it('caches introspection answers and @Permission decisions in this process', async () => {
    const admin = await keycloak.tokenFor('alice');
    keycloak.resetCounts();
    const decisionsBefore = keycloak.decisionRequests;
    for (let i = 0; i < 2; i++) {
      await api().delete('/items/999999').set('Authorization', `Bearer ${admin}`).expect(404);
      await api()
        .post('/items')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: `fallback ${adapter} ${i}` })
        .expect(201);
    }
    expect(keycloak.requests.introspect).toBe(1);
    expect(keycloak.decisionRequests - decisionsBefore).toBe(1);
  });

  // Last but one: it uses up the address's failures for the window. The logout test's 401 (the
  // ended session) was the address's first failure; the limit is 2.
  it('limits failed authentications in this process: the third failure gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await api().get('/me').set('Authorization', 'Bearer not.a.token')).status);
    }
    expect(statuses).toEqual([401, 429, 429]);
  });

  it('counts each fallback, says redis_up 0, and logs once per use, never the URL', async () => {
    const scrape = await (await fetch(metricsUrl)).text();
    expect(sample(scrape, 'redis_up')).toBe(0);
    for (const use of [
      'failure_limit',
      'introspection',
      'authorization',
      'revocation',
      'logout_jti',
    ]) {
      expect(sample(scrape, `redis_fallbacks_total{use="${use}"}`)).toBeGreaterThan(0);
    }
    const records = logs.records();
    const fallbacks = records.filter((r) => r.event === 'redis_fallback').map((r) => r.use);
    expect(fallbacks.sort()).toEqual([
      'authorization',
      'failure_limit',
      'introspection',
      'logout_jti',
      'revocation',
    ]);
    expect(records.filter((r) => r.event === 'redis_down')).toHaveLength(1);
    expect(records.find((r) => r.event === 'redis_down')).toMatchObject({ level: 'warn' });
    expect(logs.lines.join('\n')).not.toContain('hunter2-redis');
  });
});
