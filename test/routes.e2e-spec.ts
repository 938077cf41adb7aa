import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ServiceTokenClient } from 'nest-keycloak-auth';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ROUTE_TABLE, type Caller } from './support/route-table.js';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

describe.each(ADAPTERS)('%s: routes × callers (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start({ serviceAccountRoles: ['api-read'] });
    app = await createTestApp(keycloak, { adapter });
    tokens.alice = await keycloak.tokenFor('alice');
    tokens.bob = await keycloak.tokenFor('bob');
    tokens.carol = await keycloak.tokenFor('carol');
    tokens.dave = await keycloak.tokenFor('dave');
    tokens.service = await serviceAccountToken(keycloak);
    await call('POST', '/items', tokens.alice).send({ name: 'first' }).expect(201);
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  function call(method: string, path: string, token?: string): request.Test {
    const agent = request(app.getHttpServer());
    const test = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
    return token ? test.set('Authorization', `Bearer ${token}`) : test;
  }

  /** Creates a fresh item as alice, so a DELETE row never depends on another row. */
  async function resolvePath(path: string): Promise<string> {
    if (!path.includes(':new')) return path;
    const { body } = await call('POST', '/items', tokens.alice).send({ name: 'doomed' });
    return path.replace(':new', String((body as { id: number }).id));
  }

  const rows = ROUTE_TABLE.flatMap(([method, path, expected]) =>
    (Object.keys(expected) as Caller[]).map(
      (caller) => [method, path, caller, expected[caller]] as const,
    ),
  );

  it.each(rows)('%s %s as %s → %i', async (method, path, caller, status) => {
    const response = await call(method, await resolvePath(path), tokens[caller]).send(
      method === 'POST' || method === 'PATCH' ? { name: 'widget' } : undefined,
    );
    expect(response.status).toBe(status);
  });

  describe('GET /me', () => {
    it('returns the identity and roles from the token', async () => {
      const { body } = await call('GET', '/me', tokens.alice).expect(200);
      expect(body).toEqual({
        sub: '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6',
        realm: 'demo',
        username: 'alice',
        email: 'alice@example.com',
        realmRoles: expect.arrayContaining(['offline_access']) as unknown,
        clientRoles: ['api-admin'],
        scopes: ['openid', 'profile', 'email'],
      });
    });
  });

  describe('items', () => {
    it('creates an item owned by the caller, with a positive integer id and a trimmed name', async () => {
      const { body } = await call('POST', '/items', tokens.alice)
        .send({ name: '  Blue widget  ' })
        .expect(201);
      expect(body).toEqual({
        id: expect.any(Number) as unknown,
        name: 'Blue widget',
        owner: '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        updatedAt: (body as { createdAt: string }).createdAt,
        version: 1,
      });
      expect(Number.isInteger((body as { id: number }).id)).toBe(true);
      const { body: fetched } = await call(
        'GET',
        `/items/${(body as { id: number }).id}`,
        tokens.bob,
      ).expect(200);
      expect(fetched).toEqual(body);
    });

    it.each(['/items/', '/ITEMS', '/Items/'])(
      'routes %s like /items, as Express does (trailing slash and case ignored)',
      async (path) => {
        await call('GET', path, tokens.bob).expect(200);
        await call('GET', path).expect(401);
      },
    );

    it('lists items as an array', async () => {
      const { body } = await call('GET', '/items', tokens.bob).expect(200);
      expect(Array.isArray(body)).toBe(true);
      expect((body as unknown[]).length).toBeGreaterThan(0);
    });

    it.each([
      ['an empty name', { name: '' }],
      ['a blank name', { name: '    ' }],
      ['a 101-character name', { name: 'x'.repeat(101) }],
      ['a number', { name: 42 }],
      ['no name', {}],
      ['an unknown property', { name: 'ok', owner: 'someone-else' }],
    ])('refuses %s with 400', async (_label, payload) => {
      const { body } = await call('POST', '/items', tokens.alice).send(payload).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('accepts a 100-character name', async () => {
      await call('POST', '/items', tokens.alice)
        .send({ name: 'x'.repeat(100) })
        .expect(201);
    });

    it('answers malformed JSON with 400, not 500', async () => {
      await call('POST', '/items', tokens.alice)
        .set('Content-Type', 'application/json')
        .send('{"name": ')
        .expect(400);
    });

    it.each(['abc', '1.5', '-', '0', '-1', '0x10', '1e3', '1.0', '01', '99999999999999999999'])(
      'answers id %p, not a plain positive whole number, with 400 on GET and DELETE',
      async (id) => {
        const { body } = await call('GET', `/items/${id}`, tokens.bob).expect(400);
        expect(body).toMatchObject({ message: 'id must be a positive whole number' });
        await call('DELETE', `/items/${id}`, tokens.alice).expect(400);
      },
    );

    it('answers an unknown id with 404 on GET and DELETE', async () => {
      await call('GET', '/items/999999', tokens.bob).expect(404);
      await call('DELETE', '/items/999999', tokens.alice).expect(404);
    });

    it('deletes an item: 204, then 404', async () => {
      const path = await resolvePath('/items/:new');
      await call('DELETE', path, tokens.alice).expect(204);
      await call('GET', path, tokens.alice).expect(404);
    });
  });

  describe('403 answers', () => {
    it('names the missing roles for @Roles, with insufficient_scope', async () => {
      const response = await call('DELETE', '/items/1', tokens.bob).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Missing required roles: api-admin',
        error: 'Forbidden',
      });
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: api-admin"',
      );
    });

    it('says Insufficient permissions for @AnyRole', async () => {
      const { body } = await call('GET', '/items', tokens.carol).expect(403);
      expect(body).toEqual({
        statusCode: 403,
        message: 'Insufficient permissions',
        error: 'Forbidden',
      });
    });

    it('counts realm roles as well as client roles', async () => {
      const token = await keycloak.mintAccessToken({ username: 'carol', realmRoles: ['api-read'] });
      await call('GET', '/items', token).expect(200);
    });
  });

  describe('GET /admin/users', () => {
    it('lists the realm users through the service-account token, with paging', async () => {
      keycloak.resetCounts();
      const { body } = await call('GET', '/admin/users?first=0&max=2', tokens.alice).expect(200);
      expect(body).toEqual([
        {
          id: expect.any(String) as unknown,
          username: 'alice',
          email: 'alice@example.com',
          enabled: true,
        },
        {
          id: expect.any(String) as unknown,
          username: 'bob',
          email: 'bob@example.com',
          enabled: true,
        },
      ]);
      const { body: rest } = await call('GET', '/admin/users?first=2&max=2', tokens.alice).expect(
        200,
      );
      expect((rest as Array<{ username: string }>).map((user) => user.username)).toEqual([
        'carol',
        'dave',
      ]);
      expect(keycloak.requests.adminUsers).toBe(2);
      expect(keycloak.requests.token).toBeLessThanOrEqual(1);
    });

    it.each(['max=101', 'max=0', 'first=-1', 'max=abc', 'first=2147483648', 'first=1e308'])(
      'refuses %s with 400',
      async (query) => {
        await call('GET', `/admin/users?${query}`, tokens.alice).expect(400);
      },
    );

    it.each([
      [401, "Keycloak refused this API's client credentials"],
      [500, 'Failed to obtain a service-account token from Keycloak'],
    ])(
      'answers 502 when the token endpoint answers %i, saying whether Keycloak refused the credentials',
      async (status, message) => {
        app.get(ServiceTokenClient).invalidate();
        keycloak.failNext('token', { status });
        const { body } = await call('GET', '/admin/users', tokens.alice).expect(502);
        expect(body).toEqual({ statusCode: 502, message, error: 'Bad Gateway' });
      },
    );

    it('answers 502 with a clear message when Keycloak fails', async () => {
      keycloak.failNext('adminUsers', { status: 500 });
      const { body } = await call('GET', '/admin/users', tokens.alice).expect(502);
      expect(body).toEqual({
        statusCode: 502,
        message: 'Failed to read users from Keycloak',
        error: 'Bad Gateway',
      });
    });
  });
});

async function serviceAccountToken(keycloak: KeycloakStandIn): Promise<string> {
  const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: keycloak.clientId,
      client_secret: keycloak.clientSecret,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
