import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { firstValueFrom, type Observable } from 'rxjs';
import request from 'supertest';
import { DEMO_USERS, graphqlWsClient, KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ItemEvents } from '../src/items/item-events.js';
import type { Item } from '../src/items/item.entity.js';
import { ItemsService } from '../src/items/items.service.js';
import { ADAPTERS } from './support/adapters.js';
import { graphql, observedEvents, socketUrlOf } from './support/graphql.js';
import { createTestApp } from './support/test-app.js';

const [alice, bob, , dave] = DEMO_USERS.map((user) => user.id);
const ITEM = 'id name owner createdAt updatedAt version';

/**
 * The app's GraphQL endpoint on both platforms: the example schema with REST's rules and
 * errors, the HTTP edge, and subscriptions that end with their token.
 */
describe.each(ADAPTERS)('%s: GraphQL at /graphql', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let socketUrl: string;
  let subscribed: Observable<void>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    const observed = observedEvents();
    subscribed = observed.subscribed;
    app = await createTestApp(keycloak, {
      adapter,
      env: { BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web', JWT_CLOCK_TOLERANCE_SECONDS: '0' },
      override: (builder) => builder.overrideProvider(ItemEvents).useValue(observed.events),
    });
    await app.listen(0, '127.0.0.1');
    socketUrl = await socketUrlOf(app);
    keycloak.registerBackchannelLogout(`${await app.getUrl()}/auth/backchannel-logout`);
    for (const user of ['alice', 'bob', 'carol', 'dave'] as const) {
      tokens[user] = await keycloak.tokenFor(user);
    }
    // erin: api-write without api-admin, and not the owner of anyone else's item.
    tokens.erin = await keycloak.mintAccessToken({
      username: 'erin',
      clientRoles: ['api-read', 'api-write'],
    });
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  afterEach(() => jest.restoreAllMocks());

  async function create(user: string, name: string): Promise<Item> {
    const { body } = await graphql(
      app,
      `mutation($n: String!) { createItem(name: $n) { ${ITEM} } }`,
      tokens[user],
      { n: name },
    );
    return (body.data as { createItem: Item }).createItem;
  }

  describe('queries and mutations', () => {
    it('me: any valid token, from the token', async () => {
      const { status, body } = await graphql(
        app,
        '{ me { sub username realm clientRoles scopes } }',
        tokens.carol,
      );
      expect(status).toBe(200);
      expect(body).toEqual({
        data: {
          me: {
            sub: DEMO_USERS[2].id,
            username: 'carol',
            realm: 'demo',
            clientRoles: [],
            scopes: ['openid', 'profile', 'email'],
          },
        },
      });
    });

    it('items and item: api-read passes; without it FORBIDDEN, the other fields answered', async () => {
      const item = await create('dave', 'readable');
      const read = await graphql(
        app,
        `{ item(id: ${item.id}) { ${ITEM} } me { sub } }`,
        tokens.bob,
      );
      expect(read.body).toEqual({ data: { item, me: { sub: bob } } });
      const refused = await graphql(
        app,
        `
          {
            items {
              id
            }
            me {
              sub
            }
          }
        `,
        tokens.carol,
      );
      expect(refused.status).toBe(200);
      expect(refused.body.data).toEqual({ items: null, me: { sub: DEMO_USERS[2].id } });
      expect(refused.body.errors).toEqual([
        expect.objectContaining({
          message: 'Insufficient permissions',
          path: ['items'],
          extensions: { code: 'FORBIDDEN', status: 403 },
        }),
      ]);
    });

    it('items pages by limit and after, as GET /items does', async () => {
      const first = await create('dave', 'page a');
      const second = await create('dave', 'page b');
      const { body } = await graphql(
        app,
        `{ items(limit: 2, after: ${first.id - 1}) { id } }`,
        tokens.bob,
      );
      expect(body.data).toEqual({ items: [{ id: first.id }, { id: second.id }] });
      const bad = await graphql(app, '{ items(limit: 101) { id } }', tokens.bob);
      expect(bad.body.errors?.[0]).toMatchObject({
        message: 'limit must be a whole number from 1 to 100',
        extensions: { code: 'BAD_USER_INPUT', status: 400 },
      });
    });

    it('item of an unknown id: null with NOT_FOUND and REST’s message', async () => {
      const { status, body } = await graphql(app, '{ item(id: 999999) { id } }', tokens.bob);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { item: null },
        errors: [
          {
            message: 'Item 999999 not found',
            locations: [{ line: 1, column: 3 }],
            path: ['item'],
            extensions: { code: 'NOT_FOUND', status: 404 },
          },
        ],
      });
    });

    it("createItem: Keycloak's items#create decision; refused callers get FORBIDDEN naming it", async () => {
      const item = await create('dave', '  created  ');
      expect(item).toMatchObject({ name: 'created', owner: dave, version: 1 });
      const refused = await graphql(app, 'mutation { createItem(name: "x") { id } }', tokens.bob);
      expect(refused.body.data).toEqual({ createItem: null });
      expect(refused.body.errors?.[0]).toMatchObject({
        message: 'Permission denied: items#create',
        extensions: { code: 'FORBIDDEN', permissions: ['items#create'] },
      });
      const invalid = await graphql(
        app,
        'mutation { createItem(name: "   ") { id } }',
        tokens.dave,
      );
      expect(invalid.body.errors?.[0]).toMatchObject({
        message: 'name must be longer than or equal to 1 characters',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('renameItem: the owner rule reads the id argument; api-admin overrides it', async () => {
      const item = await create('dave', 'mine');
      const rename = (user: string, id: number, extra = '') =>
        graphql(
          app,
          `mutation { renameItem(id: ${id}, name: "new"${extra}) { name version owner } }`,
          tokens[user],
        );
      expect((await rename('dave', item.id)).body).toEqual({
        data: { renameItem: { name: 'new', version: 2, owner: dave } },
      });
      const notOwner = await rename('erin', item.id);
      expect(notOwner.body.data).toEqual({ renameItem: null });
      expect(notOwner.body.errors?.[0]).toMatchObject({
        message: 'Only the owner or a holder of api-admin may do this',
        extensions: { code: 'FORBIDDEN' },
      });
      expect((await rename('alice', item.id)).body.data).toEqual({
        renameItem: { name: 'new', version: 3, owner: dave },
      });
      const stale = await rename('dave', item.id, ', version: 1');
      expect(stale.body.errors?.[0].extensions).toMatchObject({ code: 'PRECONDITION_FAILED' });
      const unknown = await rename('erin', 999999);
      expect(unknown.body.errors?.[0]).toMatchObject({
        message: 'Item 999999 not found',
        extensions: { code: 'NOT_FOUND' },
      });
    });

    it('answers without a token: protected fields UNAUTHENTICATED, HTTP 200', async () => {
      const { status, body } = await graphql(app, '{ me { sub } items { id } }');
      expect(status).toBe(200);
      expect(body.data).toEqual({ me: null, items: null });
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
      ]);
    });

    it('answers a presented bad token with REST’s 401 and WWW-Authenticate, before anything runs', async () => {
      const expired = await keycloak.tokenFor('alice', { expiresIn: -60 });
      const list = jest.spyOn(ItemsService.prototype, 'list');
      const rest = await request(app.getHttpServer())
        .get('/items')
        .set('Authorization', `Bearer ${expired}`)
        .expect(401);
      const answer = await graphql(app, '{ items { id } }', expired);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toEqual(rest.headers['www-authenticate']);
      expect(answer.body).toEqual({
        statusCode: 401,
        message: 'Token has expired',
        error: 'Unauthorized',
      });
      expect(list).not.toHaveBeenCalled();
    });

    it('never shows an internal error: a bug is "Internal server error", the database down 503', async () => {
      const service = app.get(ItemsService);
      jest
        .spyOn(service, 'list')
        .mockRejectedValueOnce(new TypeError('secret: column x of table y'));
      const bug = await graphql(app, '{ items { id } me { sub } }', tokens.bob);
      expect(bug.status).toBe(200);
      expect(bug.body).toEqual({
        data: { items: null, me: { sub: bob } },
        errors: [
          {
            message: 'Internal server error',
            path: ['items'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
      const { DatabaseUnavailableError } = await import('../src/database/database-errors.js');
      jest
        .spyOn(service, 'findOne')
        .mockRejectedValueOnce(new DatabaseUnavailableError('pool timeout at 10.0.0.5'));
      const down = await graphql(app, '{ item(id: 1) { id } }', tokens.bob);
      expect(down.body.errors?.[0]).toMatchObject({
        message: 'Database unavailable',
        extensions: { code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 5 },
      });
      expect(JSON.stringify([bug.body, down.body])).not.toMatch(/secret|10\.0\.0\.5|stack/i);
    });

    it('refuses an operation nested too deep or too wide before it runs', async () => {
      const aliases = Array.from({ length: 201 }, (_, n) => `a${n}: me { sub }`).join(' ');
      const { status, body } = await graphql(app, `{ ${aliases} }`, tokens.bob);
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({
        message: 'The operation is 2 fields deep and selects 402 fields; the limits are 10 and 200',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    });
  });

  describe('the HTTP edge', () => {
    it('gives /graphql a request id, the API headers and CORS for the listed origins', async () => {
      const response = await request(app.getHttpServer())
        .post('/graphql')
        .set('Origin', 'http://localhost:5173')
        .set('X-Request-Id', 'graphql-edge-1')
        .send({ query: '{ me { sub } }' })
        .expect(200);
      expect(response.headers['x-request-id']).toBe('graphql-edge-1');
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(response.headers['cache-control']).toBe('no-store');
      const preflight = await request(app.getHttpServer())
        .options('/graphql')
        .set('Origin', 'http://localhost:5173')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/i);
    });

    it('refuses a body over the API’s limit with 413, as on REST routes', async () => {
      const query = `{ me { sub } } # ${'x'.repeat(200_000)}`;
      const response = await request(app.getHttpServer()).post('/graphql').send({ query });
      expect(response.status).toBe(413);
    });

    it('serves introspection and the GraphiQL page outside production, with a CSP it runs under', async () => {
      const { body } = await graphql(app, '{ __schema { queryType { name } } }');
      expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const page = await request(app.getHttpServer())
        .get('/graphql')
        .set('Accept', 'text/html')
        .expect(200);
      expect(page.text).toContain('GraphiQL');
      expectPageAllowedByCsp(page.text, String(page.headers['content-security-policy']));
    });
  });

  describe('subscriptions over graphql-ws', () => {
    it('delivers itemCreated for items created through REST and through GraphQL', async () => {
      const client = await graphqlWsClient(socketUrl, tokens.bob);
      await client.acknowledged;
      const ready = firstValueFrom(subscribed);
      const created = client.subscribe<{ itemCreated: Item }>(
        `subscription { itemCreated { ${ITEM} } }`,
      );
      await ready;
      const viaRest = (
        await request(app.getHttpServer())
          .post('/items')
          .set('Authorization', `Bearer ${tokens.dave}`)
          .send({ name: 'via REST' })
          .expect(201)
      ).body as Item;
      expect(await created.next()).toEqual({ data: { itemCreated: viaRest } });
      const viaGraphql = await create('alice', 'via GraphQL');
      expect(await created.next()).toEqual({ data: { itemCreated: viaGraphql } });
      expect(viaGraphql.owner).toBe(alice);
      await client.close();
    });

    it('refuses itemCreated to a token without api-read with FORBIDDEN; the socket stays', async () => {
      const client = await graphqlWsClient(socketUrl, tokens.carol);
      await client.acknowledged;
      const refused = await client.subscribe('subscription { itemCreated { id } }').next();
      expect(refused?.errors?.[0]).toMatchObject({
        message: 'Insufficient permissions',
        extensions: { code: 'FORBIDDEN' },
      });
      expect(await client.subscribe('{ me { sub } }').next()).toEqual({
        data: { me: { sub: DEMO_USERS[2].id } },
      });
      await client.close();
    });

    it('closes a socket without a valid token with 4401 before any acknowledgement', async () => {
      const client = await graphqlWsClient(socketUrl, 'not-a-token');
      await expect(client.acknowledged).rejects.toEqual({ code: 4401, reason: 'Invalid token' });
    });

    it('closes the socket with 4401 within a second of its token’s exp', async () => {
      const token = await keycloak.tokenFor('bob', { expiresIn: 2 });
      const exp = (
        JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }
      ).exp;
      const client = await graphqlWsClient(socketUrl, token);
      await client.acknowledged;
      const events = client.subscribe('subscription { itemCreated { id } }');
      const closed = await client.closed;
      const late = Date.now() - exp * 1000;
      expect(closed).toEqual({ code: 4401, reason: 'Token has expired' });
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(1000);
      await expect(events.next()).rejects.toBeDefined();
    });

    it('closes the socket with 4401 within a second of a back-channel logout', async () => {
      const sid = randomUUID();
      const client = await graphqlWsClient(socketUrl, await keycloak.tokenFor('bob', { sid }));
      await client.acknowledged;
      client.subscribe('subscription { itemCreated { id } }');
      expect(await keycloak.endSession({ sid, username: 'bob' })).toBe(200);
      const loggedOut = Date.now();
      expect(await client.closed).toEqual({ code: 4401, reason: 'Token is no longer active' });
      expect(Date.now() - loggedOut).toBeLessThan(1000);
    });
  });
});

describe.each(ADAPTERS)('%s: GraphQL with NODE_ENV=production', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, {
      adapter,
      env: { NODE_ENV: 'production', KEYCLOAK_ALLOW_HTTP: 'true' },
    });
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
    process.env.NODE_ENV = nodeEnv;
  });

  it('refuses introspection, and names no fields in its errors', async () => {
    const introspection = await graphql(app, '{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await graphql(app, '{ itemz { id } }');
    expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('serves no GraphiQL page', async () => {
    const page = await request(app.getHttpServer()).get('/graphql').set('Accept', 'text/html');
    expect(page.text).not.toContain('GraphiQL');
  });

  it('still answers queries', async () => {
    const { body } = await graphql(app, '{ me { username } }', await keycloak.tokenFor('bob'));
    expect(body).toEqual({ data: { me: { username: 'bob' } } });
  });
});

/** Every script the page loads or runs, and its styles, are ones `csp` allows. */
function expectPageAllowedByCsp(html: string, csp: string): void {
  const directive = (name: string) =>
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .find(([key]) => key === name)
      ?.slice(1) ?? [];
  const scripts = directive('script-src');
  for (const [, src] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) {
    expect(scripts).toContain(new URL(src).origin);
  }
  for (const [, body] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
    const hash = `'sha256-${createHashOf(body)}'`;
    expect(scripts).toContain(hash);
  }
  expect(directive('connect-src')).toContain("'self'");
}

function createHashOf(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
