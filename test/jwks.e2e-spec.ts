import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

describe.each(ADAPTERS)(
  '%s: signing keys: rotation, floods and outages (Keycloak stand-in)',
  (adapter) => {
    let keycloak: KeycloakStandIn;
    let app: INestApplication;

    beforeEach(async () => {
      keycloak = await KeycloakStandIn.start();
      app = await createTestApp(keycloak, { adapter });
      keycloak.resetCounts();
    });

    afterEach(async () => {
      await app.close();
      await keycloak.stop();
    });

    const get = (path: string, token?: string) => {
      const test = request(app.getHttpServer()).get(path);
      return token ? test.set('Authorization', `Bearer ${token}`) : test;
    };

    it('accepts a token signed with a rotated-in key after one JWKS refetch', async () => {
      const oldToken = await keycloak.tokenFor('bob');
      await keycloak.rotateKey();
      const newToken = await keycloak.tokenFor('bob');
      await Promise.all([get('/items', newToken).expect(200), get('/items', newToken).expect(200)]);
      await get('/items', oldToken).expect(200);
      expect(keycloak.requests.jwks).toBe(1);
    });

    it('costs at most one JWKS fetch for a flood of unknown kids, all refused with 401', async () => {
      const tokens = await Promise.all(
        Array.from({ length: 100 }, (_, i) => keycloak.tokenFor('bob', { kid: `random-${i}` })),
      );
      const statuses = await Promise.all(tokens.map(async (t) => (await get('/items', t)).status));
      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(keycloak.requests.jwks).toBeLessThanOrEqual(1);
    });

    it('keeps accepting tokens of cached keys while Keycloak is down', async () => {
      const token = await keycloak.tokenFor('bob');
      await get('/items', token).expect(200);
      await keycloak.stop();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => (await get('/items', token)).status),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
      await get('/health/ready').expect(200);
    });

    it('answers 503 with Retry-After, not 401, for a token whose key cannot be fetched', async () => {
      await keycloak.rotateKey();
      const token = await keycloak.tokenFor('bob');
      await keycloak.stop();
      const response = await get('/items', token).expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        message: 'Token verification unavailable',
        error: 'Service Unavailable',
      });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });

    it('refuses a token whose key was rotated out, once the JWKS has been refetched', async () => {
      const oldKid = keycloak.currentKid;
      const oldToken = await keycloak.tokenFor('bob');
      await get('/items', oldToken).expect(200);
      await keycloak.rotateKey({ keepOld: false });
      await get('/items', await keycloak.tokenFor('bob')).expect(200);
      expect(keycloak.jwks().keys.map((key) => key.kid)).not.toContain(oldKid);
      await get('/items', oldToken).expect(401);
    });
  },
);

describe.each(ADAPTERS)('%s: start-up while Keycloak is down (Keycloak stand-in)', (adapter) => {
  it('starts, serves /health, and answers 401 without a token and 503 with one', async () => {
    const keycloak = await KeycloakStandIn.start();
    const token = await keycloak.tokenFor('bob');
    await keycloak.stop();
    const app = await createTestApp(keycloak, { adapter, env: { JWKS_COOLDOWN_SECONDS: '0' } });
    try {
      const server = app.getHttpServer();
      await request(server).get('/health').expect(200, { status: 'ok' });
      const ready = await request(server).get('/health/ready').expect(503);
      const { port } = new URL(keycloak.url);
      expect(ready.body).toMatchObject({
        statusCode: 503,
        message: `Not ready: signing keys not loaded (Keycloak discovery failed: nothing listens at http://127.0.0.1:${port})`,
      });
      await request(server).get('/items').expect(401);
      await request(server).get('/items').set('Authorization', `Bearer ${token}`).expect(503);

      await keycloak.restart();
      await request(server).get('/items').set('Authorization', `Bearer ${token}`).expect(200);
      await request(server).get('/health/ready').expect(200);
    } finally {
      await app.close();
      await keycloak.stop();
    }
  });
});
