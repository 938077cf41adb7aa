import { randomBytes } from 'node:crypto';
import { ADAPTERS } from '../support/adapters.js';
import type { INestApplication } from '@nestjs/common';
import { call, expectInvalidToken, startApp } from './support/api.js';
import {
  API_CLIENT_ID,
  DEMO_USERS,
  KEYCLOAK_URL,
  KeycloakAdmin,
  UndoStack,
  audienceMapper,
  claimsOf,
  clientCredentialsGrant,
  confidentialClient,
  headerOf,
  passwordGrant,
  uniqueName,
  userTokens,
  waitUntilPast,
} from './support/keycloak.js';

/**
 * Tokens that the real Keycloak issued but that are not access tokens for this API: ID and
 * refresh tokens, tokens of another realm, of a client without the nest-api audience, issued
 * under another host name, and expired ones. Each rule is shown with a token it accepts.
 * Temporary clients and the second realm are created here and deleted in afterAll.
 */
describe.each(ADAPTERS)('tokens the API must refuse (real Keycloak) on %s', (adapter) => {
  let admin: KeycloakAdmin;
  let app: INestApplication;
  const undo = new UndoStack();
  const secret = randomBytes(16).toString('hex');
  const clients = {
    /** Password grant; its audience mapper also puts nest-api in the ID token's aud. */
    idAudience: uniqueName('idaud'),
    /** Service account, no audience mapper, no nest-api role: nest-api is not in aud. */
    noAudience: uniqueName('noaud'),
    /** Service account with the nest-api audience and a 3 s access token lifespan. */
    shortLived: uniqueName('short'),
  };
  const internalIds: Record<string, string> = {};
  const otherRealm = uniqueName('realm');

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    app = await startApp(adapter);

    const representations = {
      idAudience: confidentialClient(clients.idAudience, secret, {
        serviceAccountsEnabled: false,
        directAccessGrantsEnabled: true,
        protocolMappers: [audienceMapper(API_CLIENT_ID, { idToken: true })],
      }),
      noAudience: confidentialClient(clients.noAudience, secret),
      shortLived: confidentialClient(clients.shortLived, secret, {
        attributes: { 'access.token.lifespan': '3' },
        protocolMappers: [audienceMapper()],
      }),
    };
    for (const [key, representation] of Object.entries(representations)) {
      const id = await admin.createClient(representation);
      internalIds[key] = id;
      undo.push(`delete client ${representation.clientId}`, () => admin.deleteClient(id));
    }

    // A second realm that looks like demo: a nest-api client with api-admin, a public client
    // adding nest-api to aud, and an "alice" holding api-admin. Only its issuer and keys differ.
    await admin.createRealm({
      realm: otherRealm,
      enabled: true,
      roles: { client: { [API_CLIENT_ID]: [{ name: 'api-admin' }, { name: 'api-read' }] } },
      clients: [
        confidentialClient(API_CLIENT_ID, secret, { serviceAccountsEnabled: false }),
        {
          clientId: 'nest-api-web',
          enabled: true,
          publicClient: true,
          standardFlowEnabled: false,
          directAccessGrantsEnabled: true,
          protocolMappers: [audienceMapper()],
        },
      ],
      users: [
        {
          username: 'alice',
          enabled: true,
          email: 'alice@example.com',
          emailVerified: true,
          firstName: 'Alice',
          lastName: 'Elsewhere',
          credentials: [{ type: 'password', value: secret, temporary: false }],
          clientRoles: { [API_CLIENT_ID]: ['api-admin'] },
        },
      ],
    });
    undo.push(`delete realm ${otherRealm}`, () => admin.deleteRealm(otherRealm));
  });

  afterAll(async () => {
    await app?.close();
    await undo.runAll();
  });

  describe('only access tokens (typ Bearer)', () => {
    it('refuses the ID token of nest-api-web (its aud is nest-api-web): Invalid token audience', async () => {
      const tokens = await userTokens('alice');
      expect(claimsOf(tokens.id_token!)).toMatchObject({ typ: 'ID', aud: 'nest-api-web' });
      await call(app, 'GET', '/me', tokens.access_token).expect(200);
      expectInvalidToken(await call(app, 'GET', '/me', tokens.id_token), 'Invalid token audience');
    });

    it('refuses an ID token even when nest-api is in its aud: Invalid token (typ ID)', async () => {
      const tokens = await passwordGrant('alice', DEMO_USERS.alice.password, {
        clientId: clients.idAudience,
        clientSecret: secret,
        scope: 'openid',
      });
      const idClaims = claimsOf(tokens.id_token!);
      expect(idClaims.typ).toBe('ID');
      expect([idClaims.aud].flat()).toContain(API_CLIENT_ID);
      // Same signature key, issuer, audience, subject and lifetime: only the type differs.
      await call(app, 'GET', '/items', tokens.access_token).expect(200);
      expectInvalidToken(await call(app, 'GET', '/items', tokens.id_token), 'Invalid token');
      expectInvalidToken(await call(app, 'GET', '/me', tokens.id_token), 'Invalid token');
    });

    it('refuses a refresh token: Invalid token', async () => {
      const tokens = await userTokens('alice');
      expect(claimsOf(tokens.refresh_token!).typ).toBe('Refresh');
      expect(headerOf(tokens.refresh_token!).alg).not.toBe('RS256');
      await call(app, 'GET', '/me', tokens.access_token).expect(200);
      expectInvalidToken(await call(app, 'GET', '/me', tokens.refresh_token), 'Invalid token');
    });
  });

  describe('issuer: only realm demo of this Keycloak', () => {
    it('refuses an admin token of another realm, even with aud nest-api and role api-admin', async () => {
      const { access_token: token } = await passwordGrant('alice', secret, {
        realm: otherRealm,
      });
      const claims = claimsOf(token);
      expect(claims.iss).toBe(`${KEYCLOAK_URL}/realms/${otherRealm}`);
      expect([claims.aud].flat()).toContain(API_CLIENT_ID);
      expect(claims.resource_access).toMatchObject({ [API_CLIENT_ID]: { roles: ['api-admin'] } });
      // Its kid is not in demo's JWKS, so the signature check fails before the issuer check.
      expectInvalidToken(await call(app, 'GET', '/me', token), 'Invalid token');
      expectInvalidToken(
        await call(app, 'POST', '/items', token).send({ name: 'intruder' }),
        'Invalid token',
      );
    });

    it('refuses a demo token when the API expects the issuer under another host name', async () => {
      const token = (await userTokens('bob')).access_token;
      const otherHost = sameServerOtherName(KEYCLOAK_URL);
      // Discovery reports the issuer Keycloak really uses (its hostname is fixed): accepted.
      const discovering = await startApp(adapter, {}, otherHost);
      try {
        await call(discovering, 'GET', '/items', token).expect(200);
      } finally {
        await discovering.close();
      }
      // Without discovery the issuer is derived from the URL the API was given: refused.
      const deriving = await startApp(adapter, { KEYCLOAK_DISCOVERY: 'false' }, otherHost);
      try {
        await call(deriving, 'GET', '/health/ready').expect(200); // same keys, fetched there
        expectInvalidToken(await call(deriving, 'GET', '/items', token), 'Invalid token issuer');
      } finally {
        await deriving.close();
      }
    });
  });

  describe('KEYCLOAK_ISSUER pins the issuer (the mix-up defence)', () => {
    it('accepts tokens when discovery through an internal address reports the pinned issuer', async () => {
      const token = (await userTokens('bob')).access_token;
      const pinned = await startApp(
        adapter,
        { KEYCLOAK_ISSUER: `${KEYCLOAK_URL}/realms/demo` },
        sameServerOtherName(KEYCLOAK_URL),
      );
      try {
        await call(pinned, 'GET', '/items', token).expect(200);
      } finally {
        await pinned.close();
      }
    });

    it('refuses every token with 503 when discovery reports another issuer', async () => {
      const token = (await userTokens('bob')).access_token;
      const pinned = await startApp(adapter, {
        KEYCLOAK_ISSUER: 'https://sso.example.com/realms/demo',
      });
      try {
        const response = await call(pinned, 'GET', '/items', token).expect(503);
        expect(response.body).toMatchObject({ message: 'Token verification unavailable' });
        expect(response.headers['retry-after']).toBe('30');
      } finally {
        await pinned.close();
      }
    });
  });

  describe('audience: nest-api must be in aud', () => {
    it('refuses a token of a client without the audience mapper, accepts it once the mapper exists', async () => {
      const before = (await clientCredentialsGrant(clients.noAudience, secret)).access_token;
      expect([claimsOf(before).aud ?? []].flat()).not.toContain(API_CLIENT_ID);
      expectInvalidToken(await call(app, 'GET', '/me', before), 'Invalid token audience');

      await admin.call(
        'POST',
        `/demo/clients/${internalIds.noAudience}/protocol-mappers/models`,
        audienceMapper(),
      );
      const after = (await clientCredentialsGrant(clients.noAudience, secret)).access_token;
      expect([claimsOf(after).aud].flat()).toContain(API_CLIENT_ID);
      await call(app, 'GET', '/me', after).expect(200);
      // Valid audience, no API role: authorization still refuses.
      await call(app, 'GET', '/items', after).expect(403);
      // The token issued before the mapper existed is still refused.
      expectInvalidToken(await call(app, 'GET', '/me', before), 'Invalid token audience');
    });
  });

  describe('expiry', () => {
    it('accepts a 3 s token until exp, then refuses it with Token has expired (tolerance 0)', async () => {
      const strict = await startApp(adapter, { JWT_CLOCK_TOLERANCE_SECONDS: '0' });
      try {
        const token = (await clientCredentialsGrant(clients.shortLived, secret)).access_token;
        const { iat, exp } = claimsOf(token);
        expect(exp! - iat!).toBe(3);
        await call(strict, 'GET', '/me', token).expect(200);

        await waitUntilPast(exp!);

        expectInvalidToken(await call(strict, 'GET', '/me', token), 'Token has expired');
        // The default 30 s leeway still accepts it: the refusal above is the exp check.
        await call(app, 'GET', '/me', token).expect(200);
      } finally {
        await strict.close();
      }
    });
  });
});

/** The same Keycloak under another host name: localhost ↔ 127.0.0.1, else the name upper-cased. */
function sameServerOtherName(url: string): string {
  const parsed = new URL(url);
  const other =
    parsed.hostname === 'localhost'
      ? '127.0.0.1'
      : parsed.hostname === '127.0.0.1'
        ? 'localhost'
        : parsed.hostname.toUpperCase();
  return `${parsed.protocol}//${other}${parsed.port ? `:${parsed.port}` : ''}`;
}
