import { jest } from '@jest/globals';
import { Logger, type INestApplication } from '@nestjs/common';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { KeycloakStandIn, standInAuthOptions } from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp } from './fixtures/fixture-app.js';

/** Lightweight access tokens: only exp, iat, jti, iss, typ, azp, sid, scope in the token. */
describe.each(ADAPTERS)('lightweight access tokens on %s (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let refusing: INestApplication;
  let introspecting: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    refusing = await createFixtureApp({ adapter, auth: standInAuthOptions(keycloak) });
    introspecting = await createFixtureApp({
      adapter,
      auth: { ...standInAuthOptions(keycloak), lightweightTokens: 'introspect' },
    });
  });

  afterAll(async () => {
    await Promise.all([refusing.close(), introspecting.close()]);
    await keycloak.stop();
  });

  beforeEach(() => keycloak.reset());

  const get = (app: INestApplication, path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('mints what Keycloak mints: no sub, no aud, no roles', async () => {
    const claims = decodeJwt(await keycloak.tokenFor('alice', { lightweight: true }));
    expect(Object.keys(claims).sort()).toEqual(
      ['azp', 'exp', 'iat', 'iss', 'jti', 'scope', 'sid', 'typ'].sort(),
    );
  });

  it('refuses them by default with 401, and logs why', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const token = await keycloak.tokenFor('alice', { lightweight: true });
      await get(refusing, '/me', token).expect(401);
      expect(keycloak.requests.introspect).toBe(0);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('KEYCLOAK_LIGHTWEIGHT_TOKENS=introspect'),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('with introspect: takes sub and roles from introspection, so every decorator works', async () => {
    const alice = await keycloak.tokenFor('alice', { lightweight: true });
    const { body } = await get(introspecting, '/me', alice).expect(200);
    expect(body).toEqual({ sub: keycloak.accessClaims({ username: 'alice' }).sub });
    await get(introspecting, '/admin', alice).expect(200);
    await get(
      introspecting,
      '/admin',
      await keycloak.tokenFor('bob', { lightweight: true }),
    ).expect(403);
  });

  it('with introspect: asks once per token per introspection TTL', async () => {
    const token = await keycloak.tokenFor('alice', { lightweight: true });
    await get(introspecting, '/me', token).expect(200);
    await get(introspecting, '/me', token).expect(200);
    expect(keycloak.requests.introspect).toBe(1);
  });

  it('with introspect: still refuses a revoked one, a forged one, and one for another audience', async () => {
    const revoked = await keycloak.tokenFor('alice', { lightweight: true });
    keycloak.revoke(revoked);
    expect((await get(introspecting, '/me', revoked).expect(401)).body.message).toBe(
      'Token is no longer active',
    );
    const forged = `${await keycloak.tokenFor('alice', { lightweight: true })}x`;
    await get(introspecting, '/me', forged).expect(401);
    expect(keycloak.requests.introspect).toBe(1);
    const elsewhere = await keycloak.tokenFor('alice', {
      lightweight: true,
      aud: 'other-api',
    });
    const { body } = await get(introspecting, '/me', elsewhere).expect(401);
    expect(body.message).toBe('Invalid token audience');
  });

  it('with introspect: full tokens are verified locally as before, no introspection', async () => {
    await get(introspecting, '/admin', await keycloak.tokenFor('alice')).expect(200);
    expect(keycloak.requests.introspect).toBe(0);
  });
});
