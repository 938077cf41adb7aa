import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { LOGOUT_REFUSAL_TEXT } from '../src/backchannel-logout/logout-refusal.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../src/backchannel-logout/logout-token.validator.js';
import { AUTH_CHANNELS, LogoutRefusalCode as Code } from '../src/index.js';
import {
  KeycloakStandIn,
  standInAuthOptions,
  type LogoutTokenOptions,
} from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp, FixtureApps } from './fixtures/fixture-app.js';

const PATH = '/auth/backchannel-logout';
const now = () => Math.floor(Date.now() / 1000);

/** Messages published on a channel while `run` runs. */
async function published(name: string, run: () => Promise<unknown>): Promise<unknown[]> {
  const messages: unknown[] = [];
  const listener = (message: unknown) => messages.push(message);
  subscribe(name, listener);
  try {
    await run();
  } finally {
    unsubscribe(name, listener);
  }
  return messages;
}

describe.each(ADAPTERS)('OIDC Back-Channel Logout on %s', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const apps = new FixtureApps();
  const get = (path: string, token: string, on = app) =>
    request(on.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const post = (token: string, on = app) =>
    request(on.getHttpServer()).post(PATH).type('form').send({ logout_token: token });
  const logout = (options: LogoutTokenOptions) =>
    keycloak.logoutToken({ sid: randomUUID(), ...options });

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await apps.start({
      adapter,
      auth: standInAuthOptions(keycloak, { backchannelLogoutAudiences: ['nest-api-web'] }),
    });
    await app.listen(0, '127.0.0.1');
    keycloak.registerBackchannelLogout(`${await app.getUrl()}${PATH}`);
  });

  afterAll(async () => {
    await apps.closeAll();
    await keycloak.stop();
  });

  describe('§2.6: each rule passes over HTTP, and refuses with 400 invalid_request', () => {
    it.each<[string, LogoutTokenOptions, LogoutTokenOptions, Code]>([
      ['signature', {}, { forge: 'foreign-key' }, Code.InvalidSignature],
      ['algorithm (none)', {}, { forge: 'alg-none' }, Code.InvalidSignature],
      ['algorithm (HS256)', {}, { forge: 'hs256' }, Code.InvalidSignature],
      ['iss', {}, { iss: 'http://evil.test/realms/demo' }, Code.InvalidIssuer],
      ['aud', { aud: ['x', 'nest-api-web'] }, { aud: 'nest-api' }, Code.InvalidAudience],
      ['iat', { iat: now() + 10 }, { iat: now() + 300 }, Code.InvalidIssuedAt],
      [
        'exp',
        { iat: now() - 200, exp: now() - 10 },
        { iat: now() - 200, exp: now() - 90 },
        Code.Expired,
      ],
      ['events', {}, { omit: ['events'] }, Code.MissingEvent],
      [
        'the logout event',
        {},
        { extra: { events: { [BACKCHANNEL_LOGOUT_EVENT]: true } } },
        Code.MissingEvent,
      ],
      [
        'sid or sub',
        { sid: undefined, sub: randomUUID() },
        { sid: undefined },
        Code.MissingSubject,
      ],
      ['nonce', {}, { extra: { nonce: 'n-1' } }, Code.NoncePresent],
      ['typ', { typ: null }, { typ: 'JWT' }, Code.WrongType],
      ['jti', {}, { omit: ['jti'] }, Code.MissingJti],
    ])('%s', async (_rule, pass, fail, code) => {
      const applied = await post(await logout(pass)).expect(200);
      expect(applied.headers['cache-control']).toBe('no-store');
      expect(applied.text).toBe('');
      const refused = await post(await logout(fail)).expect(400);
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.body).toEqual({
        error: 'invalid_request',
        error_description: LOGOUT_REFUSAL_TEXT[code],
      });
    });
  });

  it('refuses a replayed jti, and publishes each outcome for metrics', async () => {
    const token = await logout({});
    const messages = await published(AUTH_CHANNELS.backchannelLogout, async () => {
      await post(token).expect(200);
      const replay = await post(token).expect(400);
      expect(replay.body.error_description).toBe(LOGOUT_REFUSAL_TEXT[Code.Replayed]);
    });
    expect(messages).toEqual([
      { outcome: 'applied', reason: 'ok' },
      { outcome: 'refused', reason: Code.Replayed },
    ]);
  });

  it.each([
    [
      'JSON',
      (token: string) => request(app.getHttpServer()).post(PATH).send({ logout_token: token }),
    ],
    [
      'a form without logout_token',
      () => request(app.getHttpServer()).post(PATH).type('form').send({ token: 'x' }),
    ],
  ])('refuses %s with 400 invalid_request', async (_what, send) => {
    const response = await send(await logout({})).expect(400);
    expect(response.body.error_description).toBe(LOGOUT_REFUSAL_TEXT[Code.InvalidRequest]);
  });

  describe('revocation', () => {
    it('refuses every token of an ended session: cached, fresh and introspected', async () => {
      const sid = randomUUID();
      const cached = await keycloak.tokenFor('alice', { sid });
      await get('/me', cached).expect(200);
      await get('/active', cached).expect(200);
      expect(await keycloak.endSession({ sid, username: 'alice' })).toBe(200);

      const lookups = await published(AUTH_CHANNELS.cacheLookup, async () => {
        const refused = await get('/me', cached).expect(401);
        expect(refused.body.message).toBe('Token is no longer active');
        expect(refused.headers['www-authenticate']).toBe(
          'Bearer realm="demo", error="invalid_token", error_description="Token is no longer active", DPoP algs="ES256 RS256 PS256"',
        );
      });
      // Served from the verified-token cache, and refused all the same.
      expect(lookups).toEqual([{ cache: 'verified_token', result: 'hit' }]);
      await get('/active', cached).expect(401);
      await get('/me', await keycloak.tokenFor('alice', { sid })).expect(401);
    });

    it("spares the user's other sessions", async () => {
      const [ended, other] = [randomUUID(), randomUUID()];
      const otherToken = await keycloak.tokenFor('alice', { sid: other });
      expect(await keycloak.endSession({ sid: ended, username: 'alice' })).toBe(200);
      await get('/me', await keycloak.tokenFor('alice', { sid: ended })).expect(401);
      await get('/me', otherToken).expect(200);
    });

    it("a subject's logout refuses its earlier tokens and spares later ones", async () => {
      const before = await keycloak.tokenFor('bob', { iat: now() - 20 });
      await get('/me', before).expect(200);
      expect(await keycloak.endSession({ username: 'bob', iat: now() - 10 })).toBe(200);
      await get('/me', before).expect(401);
      await get('/me', await keycloak.tokenFor('bob')).expect(200);
      await get('/me', await keycloak.tokenFor('carol', { iat: now() - 20 })).expect(200);
    });
  });

  it("applies another accepted realm's logout to that realm's session only", async () => {
    const realms = await KeycloakStandIn.start({ realms: ['partners'] });
    const partners = realms.realmNamed('partners');
    const both = await createFixtureApp({
      adapter,
      auth: standInAuthOptions(realms, {
        realms: ['demo', 'partners'],
        backchannelLogoutAudiences: ['nest-api-web'],
      }),
    });
    try {
      // A sid is only unique within its realm: the same one in both.
      const sid = randomUUID();
      const paula = await partners.mintAccessToken({ username: 'paula', sid });
      const alice = await realms.tokenFor('alice', { sid });
      await post(await partners.logoutToken({ sid }), both).expect(200);
      await get('/me', paula, both).expect(401);
      await get('/me', alice, both).expect(200);
    } finally {
      await both.close();
      await realms.stop();
    }
  });

  it('does not count refused logout tokens toward the failed-authentication limit', async () => {
    const limited = await apps.start({
      adapter,
      auth: standInAuthOptions(keycloak, {
        backchannelLogoutAudiences: ['nest-api-web'],
        authFailureLimit: 1,
      }),
    });
    const refused: LogoutTokenOptions[] = [
      { forge: 'alg-none' },
      { iss: 'http://x' },
      { omit: ['jti'] },
    ];
    for (const fail of refused) {
      await post(await logout(fail), limited).expect(400);
    }
    const forged = await keycloak.tokenFor('alice', { iss: 'http://evil.test/realms/demo' });
    await get('/me', forged, limited).expect(401);
    // The limit is on: the next failure is the second.
    await get('/me', forged, limited).expect(429);
  });

  it('answers 404 with the usual body while no audience is configured', async () => {
    const disabled = await apps.start({ adapter, auth: standInAuthOptions(keycloak) });
    const response = await post(await logout({}), disabled).expect(404);
    expect(response.body).toEqual({
      statusCode: 404,
      message: `Cannot POST ${PATH}`,
      error: 'Not Found',
    });
    const unknown = await request(disabled.getHttpServer()).post('/nowhere').expect(404);
    expect(Object.keys(unknown.body as object).sort()).toEqual(Object.keys(response.body).sort());
  });
});
