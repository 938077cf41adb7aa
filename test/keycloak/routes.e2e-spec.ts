import type { INestApplication } from '@nestjs/common';
import { ADAPTERS } from '../support/adapters.js';
import { ROUTE_TABLE, type Caller } from '../support/route-table.js';
import { call, startApp } from './support/api.js';
import {
  API_CLIENT_ID,
  DEMO_USERS,
  KeycloakAdmin,
  claimsOf,
  serviceAccountToken,
  userTokens,
} from './support/keycloak.js';

/** What each refusal says: the message and the RFC 6750 header. */
const REFUSALS: Record<string, { message: string; header: string }> = {
  anonymous: {
    message: 'Missing bearer token',
    header: 'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
  },
  'POST /items': {
    message: 'Insufficient permissions',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Insufficient permissions"',
  },
  // bob, carol and the service account lack api-write; dave has it but does not own the item.
  'PATCH /items/:new': {
    message: 'Insufficient permissions',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Insufficient permissions"',
  },
  'DELETE /items/:new': {
    message: 'Missing required roles: api-admin',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: api-admin"',
  },
  'GET /admin/users': {
    message: 'Missing required roles: api-admin',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: api-admin"',
  },
  // Tokens requested without an organization scope carry no organization claim.
  'GET /orgs/acme': {
    message: 'Not a member of this organization',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Not a member of this organization"',
  },
  // Only demo is accepted here: no token passes @Realms('partners').
  'GET /partners/ping': {
    message: "Tokens of this token's realm may not call this route",
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Tokens of this token\'s realm may not call this route"',
  },
  'GET /items': {
    message: 'Insufficient permissions',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Insufficient permissions"',
  },
  'GET /items/1': {
    message: 'Insufficient permissions',
    header:
      'Bearer realm="demo", error="insufficient_scope", error_description="Insufficient permissions"',
  },
};

/**
 * bob and the service account hold api-read, which the items controller's roles accept: Keycloak's
 * "Create items" policy (api-write or api-admin) is what refuses them on POST.
 */
const CREATE_DENIED = {
  message: 'Permission denied: items#create',
  header:
    'Bearer realm="demo", error="insufficient_scope", error_description="Permission denied: items#create"',
};

/** dave holds api-write, so the owner rule is what refuses him on alice's item. */
const NOT_OWNER = {
  message: 'Only the owner or a holder of api-admin may do this',
  header:
    'Bearer realm="demo", error="insufficient_scope", error_description="Only the owner or a holder of api-admin may do this"',
};

interface UserRow {
  id: string;
  username: string;
  email?: string;
  enabled: boolean;
}

describe.each(ADAPTERS)('routes × callers (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  let admin: KeycloakAdmin;
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    app = await startApp(adapter);
    tokens.alice = (await userTokens('alice')).access_token;
    tokens.bob = (await userTokens('bob')).access_token;
    tokens.carol = (await userTokens('carol')).access_token;
    tokens.dave = (await userTokens('dave')).access_token;
    tokens.service = await serviceAccountToken();
    await call(app, 'POST', '/items', tokens.alice).send({ name: 'first' }).expect(201);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Creates a fresh item as alice, so a DELETE row never depends on another row. */
  async function resolvePath(path: string): Promise<string> {
    if (!path.includes(':new')) return path;
    const { body } = await call(app, 'POST', '/items', tokens.alice).send({ name: 'doomed' });
    return path.replace(':new', String((body as { id: number }).id));
  }

  const rows = ROUTE_TABLE.flatMap(([method, path, expected]) =>
    (Object.keys(expected) as Caller[]).map(
      (caller) => [method, path, caller, expected[caller]] as const,
    ),
  );

  it.each(rows)('%s %s as %s → %i', async (method, path, caller, status) => {
    const response = await call(app, method, await resolvePath(path), tokens[caller]).send(
      method === 'POST' || method === 'PATCH' ? { name: 'widget' } : undefined,
    );
    expect(response.status).toBe(status);
    if (status === 401 || status === 403) {
      const refusal =
        caller === 'dave' && method === 'PATCH'
          ? NOT_OWNER
          : method === 'POST' && (caller === 'bob' || caller === 'service')
            ? CREATE_DENIED
            : REFUSALS[caller === 'anonymous' ? caller : `${method} ${path}`];
      expect(response.body).toEqual({
        statusCode: status,
        message: refusal.message,
        error: status === 401 ? 'Unauthorized' : 'Forbidden',
      });
      expect(response.headers['www-authenticate']).toBe(refusal.header);
    }
  });

  describe('GET /me returns what Keycloak put in the token', () => {
    it('alice: fixed sub, username, email, client role api-admin', async () => {
      const { body } = await call(app, 'GET', '/me', tokens.alice).expect(200);
      const claims = claimsOf(tokens.alice!);
      expect(body).toEqual({
        sub: DEMO_USERS.alice.id,
        realm: 'demo',
        username: 'alice',
        email: 'alice@example.com',
        realmRoles: (claims.realm_access as { roles: string[] }).roles,
        clientRoles: ['api-admin'],
        scopes: (claims.scope as string).split(' '),
      });
      expect((body as { realmRoles: string[] }).realmRoles).toContain('default-roles-demo');
      expect((body as { scopes: string[] }).scopes).toEqual(
        expect.arrayContaining(['openid', 'profile', 'email']),
      );
    });

    it.each([
      ['bob', ['api-read']],
      ['carol', []],
    ] as const)('%s: client roles %j', async (user, clientRoles) => {
      const { body } = await call(app, 'GET', '/me', tokens[user]).expect(200);
      expect(body).toMatchObject({
        sub: DEMO_USERS[user].id,
        username: user,
        email: `${user}@example.com`,
        clientRoles,
      });
    });

    it('dave: fixed sub, client roles api-read and api-write', async () => {
      const token = (await userTokens('dave')).access_token;
      const { body } = await call(app, 'GET', '/me', token).expect(200);
      expect(body).toMatchObject({
        sub: DEMO_USERS.dave.id,
        username: 'dave',
        email: 'dave@example.com',
      });
      // Keycloak does not promise an order for a user's client roles.
      expect([...(body as { clientRoles: string[] }).clientRoles].sort()).toEqual([
        'api-read',
        'api-write',
      ]);
    });

    it('the service account: its own user, client role api-read', async () => {
      const { body } = await call(app, 'GET', '/me', tokens.service).expect(200);
      const claims = claimsOf(tokens.service!);
      expect(claims.azp).toBe(API_CLIENT_ID);
      expect(body).toMatchObject({
        sub: claims.sub,
        username: `service-account-${API_CLIENT_ID}`,
        clientRoles: ['api-read'],
      });
    });
  });

  describe('GET /admin/users (the API reads the Admin REST API with its service account)', () => {
    const list = async (query: string): Promise<UserRow[]> =>
      (await call(app, 'GET', `/admin/users?${query}`, tokens.alice).expect(200)).body as UserRow[];

    it('lists alice, bob, carol and dave with their fixed ids, as the Admin API does', async () => {
      const users = await list('first=0&max=100');
      for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
        expect(users).toContainEqual({
          id: DEMO_USERS[name].id,
          username: name,
          email: `${name}@example.com`,
          enabled: true,
        });
      }
      const { data } = await admin.call<UserRow[]>(
        'GET',
        '/demo/users?first=0&max=100&briefRepresentation=true',
      );
      expect(users.map((user) => user.id).sort()).toEqual(data.map((user) => user.id).sort());
    });

    it('pages with first/max: disjoint pages that together are the start of the full list', async () => {
      const all = await list('first=0&max=100');
      expect(all.length).toBeGreaterThanOrEqual(3);
      const page1 = await list('first=0&max=2');
      const page2 = await list('first=2&max=2');
      expect(page1).toHaveLength(2);
      expect(page2.length).toBeGreaterThanOrEqual(1);
      expect(page2.length).toBeLessThanOrEqual(2);
      const ids1 = page1.map((user) => user.id);
      expect(page2.filter((user) => ids1.includes(user.id))).toEqual([]);
      expect([...page1, ...page2]).toEqual(all.slice(0, page1.length + page2.length));
    });
  });
});
