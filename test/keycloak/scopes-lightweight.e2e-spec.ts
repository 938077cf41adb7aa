import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ADAPTERS } from '../support/adapters.js';
import { call, startApp } from './support/api.js';
import {
  DEMO_USERS,
  KeycloakAdmin,
  UndoStack,
  audienceMapper,
  claimsOf,
  confidentialClient,
  passwordGrant,
  uniqueName,
} from './support/keycloak.js';

/**
 * Two of issue 13's rules against Keycloak itself, on clients created here and deleted after:
 * a scope the client holds only as optional (`GET /me` needs `profile`), and lightweight
 * access tokens ("Always use lightweight access token"), accepted only through introspection.
 */
describe.each(ADAPTERS)('scopes and lightweight tokens (real Keycloak) on %s', (adapter) => {
  let admin: KeycloakAdmin;
  let app: INestApplication;
  let lightweightApp: INestApplication;
  const undo = new UndoStack();
  const secret = randomBytes(16).toString('hex');
  /** Password grant; `profile` is an optional scope, asked for or not. */
  const optionalProfile = uniqueName('optprofile');
  /** Password grant; every access token it gets is lightweight. */
  const lightweight = uniqueName('light');

  const tokenOf = async (user: 'alice' | 'carol', clientId: string, scope = 'openid') =>
    (
      await passwordGrant(user, DEMO_USERS[user].password, {
        clientId,
        clientSecret: secret,
        scope,
      })
    ).access_token;

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    const clients = [
      confidentialClient(optionalProfile, secret, {
        serviceAccountsEnabled: false,
        directAccessGrantsEnabled: true,
        protocolMappers: [audienceMapper()],
        // Keycloak's defaults but `profile`, which the client may only ask for.
        defaultClientScopes: ['basic', 'roles', 'web-origins', 'acr', 'email'],
        optionalClientScopes: ['profile'],
      }),
      confidentialClient(lightweight, secret, {
        serviceAccountsEnabled: false,
        directAccessGrantsEnabled: true,
        protocolMappers: [audienceMapper()],
        attributes: { 'client.use.lightweight.access.token.enabled': 'true' },
      }),
    ];
    for (const representation of clients) {
      const id = await admin.createClient(representation);
      undo.push(`delete client ${representation.clientId}`, () => admin.deleteClient(id));
    }
    app = await startApp(adapter);
    lightweightApp = await startApp(adapter, { KEYCLOAK_LIGHTWEIGHT_TOKENS: 'introspect' });
  });

  afterAll(async () => {
    await app?.close();
    await lightweightApp?.close();
    await undo.runAll();
  });

  describe('@Scopes: GET /me needs profile, optional on this client', () => {
    it('refuses a token asked without profile: 403 insufficient_scope naming it', async () => {
      const token = await tokenOf('alice', optionalProfile);
      expect(String(claimsOf(token).scope).split(' ')).not.toContain('profile');
      const response = await call(app, 'GET', '/me', token).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Missing required scopes: profile',
        error: 'Forbidden',
      });
      expect(response.headers['www-authenticate']).toContain('scope="profile"');
    });

    it('accepts the same user once the token is asked with scope=openid profile', async () => {
      const token = await tokenOf('alice', optionalProfile, 'openid profile');
      expect(String(claimsOf(token).scope).split(' ')).toContain('profile');
      const { body } = await call(app, 'GET', '/me', token).expect(200);
      expect(body).toMatchObject({ sub: DEMO_USERS.alice.id, username: 'alice' });
    });
  });

  describe('lightweight access tokens (no sub, aud, roles in the token)', () => {
    it('are lightweight indeed', async () => {
      const claims = claimsOf(await tokenOf('alice', lightweight));
      expect(claims).not.toHaveProperty('sub');
      expect(claims).not.toHaveProperty('aud');
      expect(claims).not.toHaveProperty('resource_access');
    });

    it('are refused without KEYCLOAK_LIGHTWEIGHT_TOKENS (401)', async () => {
      await call(app, 'GET', '/items', await tokenOf('alice', lightweight)).expect(401);
    });

    it('pass a role-protected route with introspect, with the roles Keycloak reports', async () => {
      // GET /items: @AnyRole('api-read', 'api-admin'); alice is api-admin, carol has no API role.
      await call(lightweightApp, 'GET', '/items', await tokenOf('alice', lightweight)).expect(200);
      const me = await call(lightweightApp, 'GET', '/me', await tokenOf('alice', lightweight));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ sub: DEMO_USERS.alice.id, clientRoles: ['api-admin'] });
      await call(lightweightApp, 'GET', '/items', await tokenOf('carol', lightweight)).expect(403);
    });
  });
});
