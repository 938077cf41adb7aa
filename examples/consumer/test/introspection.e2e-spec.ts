import type { INestApplication } from '@nestjs/common';
import { KeycloakStandIn, standInAuthOptions } from 'nest-keycloak-auth/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createApp } from '../src/create-app.js';

describe.each(ADAPTERS)('@RequireActiveToken on %s', (adapter) => {
  let standIn: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    standIn = await KeycloakStandIn.start();
    // The default: an active answer is reused for 10 seconds.
    app = await createApp(AppModule.forRoot(standInAuthOptions(standIn)), adapter, {
      logger: false,
    });
  });

  beforeEach(() => standIn.reset());

  afterAll(async () => {
    await app.close();
    await standIn.stop();
  });

  const payments = (token: string) =>
    request(app.getHttpServer()).get('/payments').auth(token, { type: 'bearer' });

  it('asks Keycloak once, then serves repeats from the introspection cache', async () => {
    const token = await standIn.tokenFor('bob');

    expect((await payments(token)).status).toBe(200);
    expect((await payments(token)).status).toBe(200);
    expect(standIn.requests.introspect).toBe(1);
  });

  it('refuses a revoked token with 401 although its signature is valid', async () => {
    const token = await standIn.tokenFor('bob');
    standIn.revoke(token);

    const response = await payments(token);

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect(standIn.requests.introspect).toBe(1);
    // Routes without @RequireActiveToken check only the signature and claims.
    const reports = await request(app.getHttpServer())
      .get('/reports')
      .auth(token, { type: 'bearer' });
    expect(reports.status).toBe(200);
  });

  it('keeps a cached active answer until its TTL ends, even after a revocation', async () => {
    const token = await standIn.tokenFor('bob');
    expect((await payments(token)).status).toBe(200);
    standIn.revoke(token);

    expect((await payments(token)).status).toBe(200);
    expect(standIn.requests.introspect).toBe(1);
  });

  it('answers 502 when introspection fails, and does not cache the failure', async () => {
    const token = await standIn.tokenFor('bob');
    standIn.failNext('introspect', { status: 500 });

    expect((await payments(token)).status).toBe(502);
    expect((await payments(token)).status).toBe(200);
    expect(standIn.requests.introspect).toBe(2);
  });
});

describe.each(ADAPTERS)('@RequireActiveToken without its cache on %s', (adapter) => {
  it('sees a revocation on the very next request', async () => {
    const standIn = await KeycloakStandIn.start();
    const options = standInAuthOptions(standIn, { introspectionCacheTtlSeconds: 0 });
    const app = await createApp(AppModule.forRoot(options), adapter, { logger: false });
    try {
      const token = await standIn.tokenFor('bob');
      const payments = () =>
        request(app.getHttpServer()).get('/payments').auth(token, { type: 'bearer' });

      expect((await payments()).status).toBe(200);
      standIn.revoke(token);
      expect((await payments()).status).toBe(401);
      expect(standIn.requests.introspect).toBe(2);
    } finally {
      await app.close();
      await standIn.stop();
    }
  });
});
