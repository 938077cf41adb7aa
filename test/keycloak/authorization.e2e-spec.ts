import type { INestApplication } from '@nestjs/common';
import { ADAPTERS } from '../support/adapters.js';
import { call, startApp } from './support/api.js';
import {
  API_CLIENT_ID,
  KeycloakAdmin,
  claimsOf,
  passwordGrant,
  UndoStack,
  userTokens,
  waitUntilPast,
  DEMO_USERS,
} from './support/keycloak.js';

/** A role policy of the API client's Authorization settings, as the Admin REST API has it. */
interface RolePolicy {
  id: string;
  name: string;
  roles: Array<{ id: string; required: boolean }>;
  [field: string]: unknown;
}

/**
 * Keycloak Authorization Services (POST /items is @Permission('items#create'): the demo realm's
 * "Create items" permission applies the role policy "Item writers", api-write or api-admin) and
 * Organizations (GET /orgs/{org} is @RequireOrganization: alice and dave are in acme, bob in
 * globex), against Keycloak itself.
 */
describe.each(ADAPTERS)('authorization beyond roles (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  let admin: KeycloakAdmin;
  const undo = new UndoStack();

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    // A 1 s decision cache, so a policy change is seen within a second.
    app = await startApp(adapter, { AUTHZ_DECISION_TTL_SECONDS: '1' });
  });

  afterAll(async () => {
    await app?.close();
    await undo.runAll();
  });

  const create = (token: string) => call(app, 'POST', '/items', token).send({ name: 'kc-authz' });

  describe('@Permission', () => {
    it('creates for callers Keycloak grants items#create (alice: api-admin, dave: api-write)', async () => {
      await create((await userTokens('alice')).access_token).expect(201);
      await create((await userTokens('dave')).access_token).expect(201);
    });

    it('refuses bob (api-read) with 403 insufficient_scope naming the permission', async () => {
      const response = await create((await userTokens('bob')).access_token).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Permission denied: items#create',
        error: 'Forbidden',
      });
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", error="insufficient_scope", error_description="Permission denied: items#create"',
      );
    });

    it('follows a policy changed in Keycloak at run time, once the decision TTL is over', async () => {
      const bob = (await userTokens('bob')).access_token;
      await create(bob).expect(403);
      const policyPath = await writersPolicyPath(admin);
      const policy = (await admin.call<RolePolicy>('GET', policyPath)).data;
      const readers = { id: `${API_CLIENT_ID}/api-read`, required: false };
      await admin.call('PUT', policyPath, { ...policy, roles: [...policy.roles, readers] });
      undo.push('restore Item writers', () => admin.call('PUT', policyPath, policy));
      // Still the cached denial right after the change…
      const changedAt = Math.floor(Date.now() / 1000);
      await create(bob).expect(403);
      // …and Keycloak's new answer once the 1 s TTL has passed: no deploy, no restart.
      await waitUntilPast(changedAt + 2);
      await create(bob).expect(201);
      await admin.call('PUT', policyPath, policy);
      await waitUntilPast(Math.floor(Date.now() / 1000) + 2);
      await create(bob).expect(403);
    });
  });

  describe('Organizations', () => {
    const orgToken = async (user: 'alice' | 'bob') =>
      (await passwordGrant(user, DEMO_USERS[user].password, { scope: 'openid organization:*' }))
        .access_token;

    it('puts the memberships in the organization claim for scope organization:*', async () => {
      expect(claimsOf(await orgToken('alice')).organization).toEqual(['acme']);
      expect(claimsOf(await orgToken('bob')).organization).toEqual(['globex']);
      expect(claimsOf((await userTokens('alice')).access_token).organization).toBeUndefined();
    });

    it('lets a member in, and refuses anyone else with 403', async () => {
      const alice = await orgToken('alice');
      await call(app, 'GET', '/orgs/acme', alice).expect(200, { alias: 'acme' });
      await call(app, 'GET', '/orgs/globex', alice).expect(403);
      await call(app, 'GET', '/orgs/globex', await orgToken('bob')).expect(200, {
        alias: 'globex',
      });
      await call(app, 'GET', '/orgs/acme', (await userTokens('alice')).access_token).expect(403);
    });
  });
});

/** The Admin REST API path of the "Item writers" role policy on the API client. */
async function writersPolicyPath(admin: KeycloakAdmin): Promise<string> {
  const clients = (
    await admin.call<Array<{ id: string }>>('GET', `/demo/clients?clientId=${API_CLIENT_ID}`)
  ).data;
  const server = `/demo/clients/${clients[0].id}/authz/resource-server`;
  const found = (
    await admin.call<Array<{ id: string }>>(
      'GET',
      `${server}/policy?name=${encodeURIComponent('Item writers')}&exact=true`,
    )
  ).data;
  return `${server}/policy/role/${found[0].id}`;
}
