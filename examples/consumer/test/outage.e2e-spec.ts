import type { INestApplication } from '@nestjs/common';
import { KeycloakStandIn, standInAuthOptions } from 'nest-keycloak-auth/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createApp } from '../src/create-app.js';

describe.each(ADAPTERS)('Keycloak outages on %s', (adapter) => {
  let standIn: KeycloakStandIn;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    standIn = await KeycloakStandIn.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await standIn.stop();
  });

  async function start(overrides: Parameters<typeof standInAuthOptions>[1] = {}) {
    const options = standInAuthOptions(standIn, overrides);
    app = await createApp(AppModule.forRoot(options), adapter, { logger: false });
    return app;
  }

  const reports = (token: string) =>
    request(app!.getHttpServer()).get('/reports').auth(token, { type: 'bearer' });

  it('answers 503 with Retry-After while no key was ever obtained, and recovers', async () => {
    const token = await standIn.tokenFor('bob');
    await standIn.stop();
    // Start-up goes on without discovery and keys; no cooldown, so recovery is immediate.
    await start({ jwksCooldownSeconds: 0 });

    const refused = await reports(token);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(refused.headers['www-authenticate']).toBeUndefined();

    await standIn.restart();
    expect((await reports(token)).status).toBe(200);
  });

  it('answers 503 for a token with an unknown kid while the JWKS endpoint fails', async () => {
    await start();
    expect((await reports(await standIn.tokenFor('bob'))).status).toBe(200);
    await standIn.rotateKey();
    standIn.setFault('jwks', { status: 500 });

    const response = await reports(await standIn.tokenFor('bob'));

    expect(response.status).toBe(503);
    // The default 30 s cooldown between fetches for unknown kids bounds the retry hint.
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(30);
  });

  it('serves keys fetched before the outage: a valid token still answers 200', async () => {
    await start({ tokenCacheMaxEntries: 0 });
    expect((await reports(await standIn.tokenFor('bob'))).status).toBe(200);
    await standIn.stop();

    // A new token (no verified-token cache either): only the cached keys can verify it.
    const response = await reports(await standIn.tokenFor('alice'));

    expect(response.status).toBe(200);
    expect(standIn.requests.jwks).toBe(1);
  });
});
