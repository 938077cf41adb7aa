import type { INestApplication } from '@nestjs/common';
import { KeycloakStandIn, standInAuthOptions, type DemoUsername } from 'nest-keycloak-auth/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createApp } from '../src/create-app.js';

describe.each(ADAPTERS)('routes on %s', (adapter) => {
  let standIn: KeycloakStandIn;
  let app: INestApplication;
  const tokens = {} as Record<DemoUsername, string>;

  beforeAll(async () => {
    standIn = await KeycloakStandIn.start();
    app = await createApp(AppModule.forRoot(standInAuthOptions(standIn)), adapter, {
      logger: false,
    });
    for (const user of ['alice', 'bob', 'carol'] as const) {
      tokens[user] = await standIn.tokenFor(user);
    }
  });

  afterAll(async () => {
    await app.close();
    await standIn.stop();
  });

  it('refuses a request without a token: 401 with an RFC 6750 challenge', async () => {
    const response = await request(app.getHttpServer()).get('/reports');

    expect(response.status).toBe(401);
    // No token presented: one challenge per accepted scheme (Bearer, and DPoP by default), no
    // error code (RFC 6750 §3.1, RFC 9449 §7.1).
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
    );
  });

  it('refuses a malformed token: 401 with error="invalid_token"', async () => {
    const response = await request(app.getHttpServer())
      .get('/reports')
      .auth('not-a-jwt', { type: 'bearer' });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="demo", error="invalid_token"/,
    );
  });

  it('serves a @Public() route without a token', async () => {
    const response = await request(app.getHttpServer()).get('/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  // alice has api-admin, bob api-read, carol no client role.
  it.each([
    ['/admin', 'alice', 200],
    ['/admin', 'bob', 403],
    ['/admin', 'carol', 403],
    ['/reports', 'alice', 200],
    ['/reports', 'bob', 200],
    ['/reports', 'carol', 403],
  ] as const)('GET %s as %s answers %i', async (path, user, status) => {
    const response = await request(app.getHttpServer())
      .get(path)
      .auth(tokens[user], { type: 'bearer' });

    expect(response.status).toBe(status);
    if (status === 403) {
      expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    }
  });

  it('hands the verified principal to the handler', async () => {
    const response = await request(app.getHttpServer())
      .get('/reports')
      .auth(tokens.bob, { type: 'bearer' });

    expect(response.body).toEqual({ user: 'bob' });
  });
});
