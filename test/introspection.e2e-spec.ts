import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

describe.each(ADAPTERS)(
  '%s: @RequireActiveToken: DELETE /items/:id asks Keycloak (Keycloak stand-in)',
  (adapter) => {
    let keycloak: KeycloakStandIn;
    let app: INestApplication;
    let alice: string;

    beforeAll(async () => {
      keycloak = await KeycloakStandIn.start();
      app = await createTestApp(keycloak, {
        adapter,
        env: { KEYCLOAK_INTROSPECTION_TIMEOUT_MS: '300' },
      });
    });

    beforeEach(async () => {
      keycloak.reset();
      alice = await keycloak.tokenFor('alice');
    });

    afterAll(async () => {
      await app.close();
      await keycloak.stop();
    });

    async function newItem(): Promise<number> {
      const { body } = await request(app.getHttpServer())
        .post('/items')
        .set('Authorization', `Bearer ${alice}`)
        .send({ name: 'to delete' })
        .expect(201);
      return (body as { id: number }).id;
    }

    const remove = (id: number, token = alice) =>
      request(app.getHttpServer()).delete(`/items/${id}`).set('Authorization', `Bearer ${token}`);

    it('deletes with an active token, after one introspection', async () => {
      const id = await newItem();
      await remove(id).expect(204);
      expect(keycloak.requests.introspect).toBe(1);
    });

    it('refuses a revoked token with 401 while local validation still accepts it', async () => {
      const id = await newItem();
      keycloak.revoke(alice);
      const response = await remove(id).expect(401);
      expect(response.body).toEqual({
        statusCode: 401,
        message: 'Token is no longer active',
        error: 'Unauthorized',
      });
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      await request(app.getHttpServer())
        .get('/items')
        .set('Authorization', `Bearer ${alice}`)
        .expect(200);
    });

    it('checks roles before asking Keycloak', async () => {
      await remove(1, await keycloak.tokenFor('bob')).expect(403);
      expect(keycloak.requests.introspect).toBe(0);
    });

    const UNREACHABLE = 'Failed to reach Keycloak introspection endpoint';
    it.each([
      ['answers 500', { status: 500 }, UNREACHABLE],
      [
        'answers 401 (bad client credentials)',
        { status: 401 },
        "Keycloak refused this API's client credentials",
      ],
      ['answers something that is not JSON', { body: '<html>oops</html>' }, UNREACHABLE],
      ['hangs past the timeout', { delayMs: 5_000 }, UNREACHABLE],
    ])('answers 502 when Keycloak %s, and deletes nothing', async (_label, fault, message) => {
      const id = await newItem();
      keycloak.failNext('introspect', fault);
      const { body } = await remove(id).expect(502);
      expect(body).toEqual({ statusCode: 502, message, error: 'Bad Gateway' });
      await request(app.getHttpServer())
        .get(`/items/${id}`)
        .set('Authorization', `Bearer ${alice}`)
        .expect(200);
    });

    it('answers 502 when Keycloak is unreachable', async () => {
      const id = await newItem();
      await keycloak.stop();
      try {
        await remove(id).expect(502);
      } finally {
        await keycloak.restart();
      }
    });
  },
);
