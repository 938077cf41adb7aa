import type { INestApplication, LoggerService } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { AUTH_CHANNELS } from 'nest-keycloak-auth';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** Keeps the library's structured entries (objects) as they were logged. */
class EntryLogger implements LoggerService {
  readonly entries: Array<Record<string, unknown>> = [];
  log(message: unknown): void {
    this.keep(message);
  }
  warn(message: unknown): void {
    this.keep(message);
  }
  error(message: unknown): void {
    this.keep(message);
  }
  of(event: string): Array<Record<string, unknown>> {
    return this.entries.filter((entry) => entry.event === event);
  }
  private keep(message: unknown): void {
    if (typeof message === 'object' && message !== null) {
      this.entries.push(message as Record<string, unknown>);
    }
  }
}

const ALICE = '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6';

describe.each(ADAPTERS)('%s: audit trail, failure throttling, auth channels', (adapter) => {
  let keycloak: KeycloakStandIn;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
  });

  afterAll(() => keycloak.stop());

  describe('AUTH_FAILURE_LIMIT=3, TRUST_PROXY=loopback', () => {
    let app: INestApplication;
    const logger = new EntryLogger();

    beforeAll(async () => {
      app = await createTestApp(keycloak, {
        adapter,
        logger,
        env: { AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: 'loopback' },
      });
    });

    afterAll(() => app.close());

    const me = (ip: string, token: string) =>
      request(app.getHttpServer())
        .get('/me')
        .set('X-Forwarded-For', ip)
        .set('Authorization', `Bearer ${token}`);

    it('answers the fourth failure from one address 429, while valid tokens and other addresses pass', async () => {
      const forged = `${await keycloak.tokenFor('alice')}x`;
      for (let i = 0; i < 3; i++) await me('198.51.100.7', forged).expect(401);
      const throttled = await me('198.51.100.7', forged).expect(429);
      expect(throttled.body).toEqual({
        statusCode: 429,
        message: 'Too many failed authentications',
        error: 'Too Many Requests',
      });
      const retryAfter = Number(throttled.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Valid traffic from the same address is not touched.
      await me('198.51.100.7', await keycloak.tokenFor('alice')).expect(200);
      // Another address still gets its plain 401.
      await me('198.51.100.8', forged).expect(401);
      // Logged, with the client address the proxy header named.
      expect(logger.of('auth_refused').map((entry) => [entry.ip, entry.status])).toEqual([
        ['198.51.100.7', 401],
        ['198.51.100.7', 401],
        ['198.51.100.7', 401],
        ['198.51.100.7', 429],
        ['198.51.100.8', 401],
      ]);
    });
  });

  describe('AUDIT_ACCEPTED=true', () => {
    let app: INestApplication;
    const logger = new EntryLogger();

    beforeAll(async () => {
      app = await createTestApp(keycloak, { adapter, logger, env: { AUDIT_ACCEPTED: 'true' } });
    });

    afterAll(() => app.close());

    it('logs one auth_accepted entry per request, with the roles the route checked', async () => {
      const token = await keycloak.tokenFor('alice');
      await request(app.getHttpServer())
        .get('/items')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await request(app.getHttpServer()).get('/health').expect(200);
      expect(logger.of('auth_accepted')).toEqual([
        expect.objectContaining({
          stage: 'authorization',
          outcome: 'accepted',
          reason: 'ok',
          method: 'GET',
          route: '/items',
          sub: ALICE,
          rolesAnyOf: ['api-read', 'api-admin'],
        }),
        // GET /me: a valid token (no roles to check), then its @Scopes('profile').
        expect.objectContaining({ stage: 'authentication', route: '/me', sub: ALICE }),
        expect.objectContaining({
          stage: 'authorization',
          route: '/me',
          scopesRequired: ['profile'],
        }),
      ]);
      expect(JSON.stringify(logger.entries)).not.toContain(token.split('.')[2]);
    });
  });

  describe('defaults', () => {
    let app: INestApplication;
    const logger = new EntryLogger();
    const decisions: unknown[] = [];
    const lookups: unknown[] = [];
    const onDecision = (message: unknown) => decisions.push(message);
    const onLookup = (message: unknown) => lookups.push(message);

    beforeAll(async () => {
      app = await createTestApp(keycloak, { adapter, logger });
      subscribe(AUTH_CHANNELS.decision, onDecision);
      subscribe(AUTH_CHANNELS.cacheLookup, onLookup);
    });

    afterAll(async () => {
      unsubscribe(AUTH_CHANNELS.decision, onDecision);
      unsubscribe(AUTH_CHANNELS.cacheLookup, onLookup);
      await app.close();
    });

    it('logs no acceptance, and publishes every decision and cache lookup', async () => {
      const token = await keycloak.tokenFor('bob');
      for (let i = 0; i < 2; i++) {
        await request(app.getHttpServer())
          .get('/items')
          .set('Authorization', `Bearer ${token}`)
          .expect(200);
      }
      await request(app.getHttpServer())
        .delete('/items/1')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
      expect(logger.of('auth_accepted')).toEqual([]);
      expect(lookups).toEqual([
        { cache: 'verified_token', result: 'miss' },
        { cache: 'verified_token', result: 'hit' },
        { cache: 'verified_token', result: 'hit' },
      ]);
      const accepted = (stage: string) => ({
        stage,
        outcome: 'accepted',
        reason: 'ok',
        status: 200,
      });
      expect(decisions).toEqual([
        accepted('authentication'),
        accepted('authorization'),
        accepted('authentication'),
        accepted('authorization'),
        accepted('authentication'),
        {
          stage: 'authorization',
          outcome: 'refused',
          reason: 'ERR_AUTH_INSUFFICIENT_ROLES',
          status: 403,
        },
      ]);
      expect(logger.of('auth_refused')).toEqual([
        expect.objectContaining({
          route: '/items/:id',
          rolesRequired: ['api-admin'],
          sub: expect.any(String),
        }),
      ]);
    });
  });
});
