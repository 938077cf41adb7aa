import { jest } from '@jest/globals';
import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TokenVerifier } from '../src/index.js';
import { KeycloakStandIn, standInAuthOptions } from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp } from './fixtures/fixture-app.js';

/**
 * KEYCLOAK_REALMS=demo,partners against a stand-in serving demo, partners and `others` (a real
 * realm of the same server that is not on the list).
 */
describe.each(ADAPTERS)('several realms on %s (Keycloak stand-in)', (adapter) => {
  let demo: KeycloakStandIn;
  let partners: KeycloakStandIn;
  let others: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    demo = await KeycloakStandIn.start({ realms: ['partners', 'others'] });
    partners = demo.realmNamed('partners');
    others = demo.realmNamed('others');
    // No cooldown: the tests below rotate keys one after the other.
    const auth = standInAuthOptions(demo, { realms: ['demo', 'partners'], jwksCooldownSeconds: 0 });
    app = await createFixtureApp({ adapter, auth });
  });

  afterAll(async () => {
    await app.close();
    await demo.stop();
  });

  beforeEach(() => [demo, partners, others].forEach((realm) => realm.reset()));

  const get = (path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const requestsTo = (realm: KeycloakStandIn) =>
    Object.values(realm.requests).reduce((sum, count) => sum + count, 0);

  it('accepts tokens of both listed realms and tells their realm', async () => {
    await get('/realm', await demo.tokenFor('alice')).expect(200, { realm: 'demo' });
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/realm', paula).expect(200, { realm: 'partners' });
  });

  it("reads the API client's roles of the token's own realm", async () => {
    // paula is api-read in partners: enough for @AnyRole('api-read', 'api-admin'), not @Roles('api-admin').
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/read', paula).expect(200);
    await get('/admin', paula).expect(403);
  });

  it("@Realms('partners'): a partners token passes, a demo token gets 403", async () => {
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/partners', paula).expect(200, { realm: 'partners' });
    const refused = await get('/partners', await demo.tokenFor('alice')).expect(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      message: "Tokens of this token's realm may not call this route",
      error: 'Forbidden',
    });
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('refuses a token of an unlisted realm with 401 and no request to Keycloak', async () => {
    // A key id neither listed realm knows: without the issuer check first, it would start a fetch.
    const stranger = await others.mintAccessToken({ username: 'alice' });
    const response = await get('/realm', stranger).expect(401);
    expect(response.body.message).toBe('Invalid token issuer');
    expect([requestsTo(demo), requestsTo(partners), requestsTo(others)]).toEqual([0, 0, 0]);
  });

  it.each([
    ['without iss', { omit: ['iss'] }],
    ['with a non-string iss', { extra: { iss: 42 } }],
  ])('refuses a token %s with 401 and no request to Keycloak', async (_label, options) => {
    const token = await demo.mintAccessToken({ ...options, kid: 'unknown-kid' });
    await get('/realm', token).expect(401);
    expect([requestsTo(demo), requestsTo(partners)]).toEqual([0, 0]);
  });

  it('refuses an undecodable token with 401 and no request to Keycloak', async () => {
    const header = Buffer.from('{"alg":"RS256","kid":"unknown-kid"}').toString('base64url');
    await get('/realm', `${header}.not-json.c2ln`).expect(401);
    expect([requestsTo(demo), requestsTo(partners)]).toEqual([0, 0]);
  });

  it("refuses a token naming partners as issuer but signed by demo's key", async () => {
    const forged = await demo.mintAccessToken({ iss: partners.issuer, kid: demo.currentKid });
    await get('/realm', forged).expect(401);
    // The partners key set was asked (the kid is unknown there), never demo's.
    expect(demo.requests.jwks).toBe(0);
  });

  it("fetches an unknown kid from the token's own realm only", async () => {
    await partners.rotateKey();
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/realm', paula).expect(200);
    expect([partners.requests.jwks, demo.requests.jwks]).toEqual([1, 0]);
  });

  it("introspects at the token's own realm", async () => {
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/active', paula).expect(200);
    expect([partners.requests.introspect, demo.requests.introspect]).toEqual([1, 0]);
    partners.revoke(paula);
    const revoked = await partners.mintAccessToken({ username: 'paula' });
    partners.revoke(revoked);
    await get('/active', revoked).expect(401);
  });

  it("drops only the realm's own cached tokens when a key leaves its JWKS", async () => {
    const verifier = app.get(TokenVerifier);
    const alice = await demo.tokenFor('alice');
    const oldKid = partners.currentKid;
    const paula = await partners.mintAccessToken({ username: 'paula' });
    await get('/realm', alice).expect(200);
    await get('/realm', paula).expect(200);
    // Both are remembered: check() answers without a promise.
    expect(verifier.check(alice)).toHaveProperty('realm', 'demo');
    expect(verifier.check(paula)).toHaveProperty('realm', 'partners');

    await partners.rotateKey({ keepOld: false });
    // A token signed by the new key makes the partners key set refetch, dropping the old kid.
    await get('/realm', await partners.mintAccessToken({ username: 'paula' })).expect(200);
    expect(partners.jwks().keys.map((key) => key.kid)).not.toContain(oldKid);
    expect(verifier.check(alice)).toHaveProperty('realm', 'demo');
    const again = verifier.check(paula);
    expect(again).toBeInstanceOf(Promise);
    await expect(again).rejects.toMatchObject({ code: 'ERR_AUTH_UNKNOWN_KEY' });
  });
});

describe.each(ADAPTERS)('several realms on %s: one cooldown per realm', (adapter) => {
  let demo: KeycloakStandIn;
  let partners: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    demo = await KeycloakStandIn.start({ realms: ['partners'] });
    partners = demo.realmNamed('partners');
    const auth = standInAuthOptions(demo, { realms: ['demo', 'partners'] });
    app = await createFixtureApp({ adapter, auth });
  });

  afterAll(async () => {
    await app.close();
    await demo.stop();
  });

  const get = (token: string) =>
    request(app.getHttpServer()).get('/realm').set('Authorization', `Bearer ${token}`);

  it("spends one realm's cooldown without touching the other's", async () => {
    demo.resetCounts();
    partners.resetCounts();
    await get(await partners.mintAccessToken({ username: 'paula', kid: 'unknown-1' })).expect(401);
    await get(await partners.mintAccessToken({ username: 'paula', kid: 'unknown-2' })).expect(401);
    expect(partners.requests.jwks).toBe(1);
    await demo.rotateKey();
    await get(await demo.tokenFor('alice')).expect(200, { realm: 'demo' });
    expect(demo.requests.jwks).toBe(1);
  });
});

describe.each(ADAPTERS)('@Realms naming an unlisted realm on %s', (adapter) => {
  it('is logged at start-up, and the route then refuses every token', async () => {
    const keycloak = await KeycloakStandIn.start();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // Only demo is accepted; the fixture's GET /partners says @Realms('partners').
    const app = await createFixtureApp({ adapter, auth: standInAuthOptions(keycloak) });
    try {
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({
          event: 'realm_not_accepted',
          route: 'FixtureController.partners',
          realms: ['partners'],
        }),
      );
      const token = await keycloak.tokenFor('alice');
      await request(app.getHttpServer())
        .get('/partners')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
    } finally {
      warn.mockRestore();
      await app.close();
      await keycloak.stop();
    }
  });
});
