import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { INestApplication } from '@nestjs/common';
import { AUTH_CHANNELS, type KeycloakRequestMessage } from 'nest-keycloak-auth';
import { ADAPTERS } from '../support/adapters.js';
import { call, startApp } from './support/api.js';
import { claimsOf, KEYCLOAK_URL, passwordGrant, userTokens } from './support/keycloak.js';

/** keycloak/realm-partners.json: paula (api-read on the partners realm's nest-api client). */
const PAULA = { username: 'paula', password: 'paula-dev-pw' };

/**
 * KEYCLOAK_REALMS=demo,partners against the real Keycloak: the demo import's second realm is
 * accepted next to demo, `@Realms('partners')` tells them apart, and a token of a realm not on
 * the list (master) is refused before any request to Keycloak, as the library's own
 * `keycloak-request` diagnostics channel shows (the one the app's metrics count).
 */
describe.each(ADAPTERS)('several realms (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  const tokens: Record<'alice' | 'paula' | 'master', string> = { alice: '', paula: '', master: '' };
  const requests: KeycloakRequestMessage[] = [];
  const record = (message: unknown) => requests.push(message as KeycloakRequestMessage);

  beforeAll(async () => {
    subscribe(AUTH_CHANNELS.keycloakRequest, record);
    app = await startApp(adapter, { KEYCLOAK_REALMS: 'demo,partners' });
    tokens.alice = (await userTokens('alice')).access_token;
    tokens.paula = (
      await passwordGrant(PAULA.username, PAULA.password, { realm: 'partners' })
    ).access_token;
    // The bootstrap admin's token from the master realm: a real Keycloak token, unlisted realm.
    const admin = process.env.KC_BOOTSTRAP_ADMIN_USERNAME || 'admin';
    const password = process.env.KC_BOOTSTRAP_ADMIN_PASSWORD || 'admin';
    tokens.master = (
      await passwordGrant(admin, password, { realm: 'master', clientId: 'admin-cli' })
    ).access_token;
  });

  afterAll(async () => {
    unsubscribe(AUTH_CHANNELS.keycloakRequest, record);
    await app?.close();
  });

  it('read each realm at start-up: its own discovery and its own key set', () => {
    // The same channel the no-fetch test below reads: it does see this app's calls.
    const succeeded = (endpoint: string) =>
      requests.filter((m) => m.endpoint === endpoint && m.outcome === 'success').length;
    expect({ discovery: succeeded('discovery'), jwks: succeeded('jwks') }).toEqual({
      discovery: 2,
      jwks: 2,
    });
  });

  it('accepts a demo token and a partners token on GET /me, naming the realm', async () => {
    const alice = await call(app, 'GET', '/me', tokens.alice).expect(200);
    expect(alice.body).toMatchObject({ username: 'alice', realm: 'demo' });
    const paula = await call(app, 'GET', '/me', tokens.paula).expect(200);
    expect(claimsOf(tokens.paula).iss).toBe(`${KEYCLOAK_URL}/realms/partners`);
    expect(paula.body).toMatchObject({
      username: 'paula',
      realm: 'partners',
      clientRoles: ['api-read'],
    });
  });

  it("applies the partners realm's client roles: paula (api-read) lists items, cannot create", async () => {
    await call(app, 'GET', '/items', tokens.paula).expect(200);
    await call(app, 'POST', '/items', tokens.paula).send({ name: 'nope' }).expect(403);
  });

  it("GET /partners/ping (@Realms('partners')): paula 200, alice of demo 403", async () => {
    const ok = await call(app, 'GET', '/partners/ping', tokens.paula).expect(200);
    expect(ok.body).toMatchObject({ realm: 'partners', username: 'paula' });
    const refused = await call(app, 'GET', '/partners/ping', tokens.alice).expect(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      message: "Tokens of this token's realm may not call this route",
      error: 'Forbidden',
    });
  });

  it('refuses a master-realm token (not listed) with 401 and no request to Keycloak', async () => {
    requests.length = 0;
    const response = await call(app, 'GET', '/me', tokens.master).expect(401);
    expect(response.body).toMatchObject({ message: 'Invalid token issuer' });
    expect(requests).toEqual([]);
  });
});

describe.each(ADAPTERS)('one realm (KEYCLOAK_REALM=demo, real Keycloak) on %s', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(adapter);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a token of the partners realm with 401, and GET /partners/ping to demo with 403', async () => {
    const paula = (await passwordGrant(PAULA.username, PAULA.password, { realm: 'partners' }))
      .access_token;
    await call(app, 'GET', '/me', paula).expect(401);
    const alice = (await userTokens('alice')).access_token;
    await call(app, 'GET', '/partners/ping', alice).expect(403);
  });
});
