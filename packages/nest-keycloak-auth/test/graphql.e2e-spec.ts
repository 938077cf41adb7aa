import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  DEMO_USERS,
  dpopKey,
  dpopProof,
  graphqlWsClient,
  KeycloakStandIn,
  PARTNER_USERS,
  standInAuthOptions,
  type GraphqlResult,
} from '../src/testing/index.js';
import { ADAPTERS } from './fixtures/fixture-app.js';
import { createGraphqlFixtureApp } from './fixtures/graphql-fixture.js';
import { postGraphql } from './support/graphql-http.js';

const [alice, bob] = DEMO_USERS.map((user) => user.id);
const paula = PARTNER_USERS[0].id;

/** A caller: how to get their token (undefined: none), and the sub the field answers. */
interface Caller {
  token: (demo: KeycloakStandIn) => Promise<string | undefined>;
  sub: string;
}

const as = (username: 'alice' | 'bob' | 'carol' | 'dave', scope?: string): Caller => ({
  token: (demo) => demo.tokenFor(username, scope ? { scope } : {}),
  sub: DEMO_USERS.find((user) => user.username === username)!.id,
});
const paulaOfPartners: Caller = {
  token: (demo) => demo.realmNamed('partners').mintAccessToken({ username: 'paula' }),
  sub: paula,
};
const revokedAlice: Caller = {
  token: async (demo) => {
    const token = await demo.tokenFor('alice');
    demo.revoke(token);
    return token;
  },
  sub: alice,
};
const nobody: Caller = { token: () => Promise.resolve(undefined), sub: 'anonymous' };

/** Each rule of the fixture: its field (with arguments), who passes, who is refused and how. */
const RULES: ReadonlyArray<{
  field: string;
  pass: Caller & { answer?: string };
  fail?: Caller & { code: string; extensions?: Record<string, unknown> };
}> = [
  // Public: a token is not even looked at, so no principal either.
  { field: 'open', pass: { ...as('carol'), answer: 'anonymous' } },
  { field: 'me', pass: as('carol'), fail: { ...nobody, code: 'UNAUTHENTICATED' } },
  {
    field: 'admin',
    pass: as('alice'),
    fail: { ...as('bob'), code: 'FORBIDDEN', extensions: { requiredRoles: ['api-admin'] } },
  },
  { field: 'read', pass: as('bob'), fail: { ...as('carol'), code: 'FORBIDDEN' } },
  {
    field: 'scoped',
    pass: as('alice', 'openid items:write'),
    fail: { ...as('alice'), code: 'FORBIDDEN', extensions: { scope: 'items:write' } },
  },
  {
    field: 'anyScoped',
    pass: as('alice', 'openid items:read'),
    fail: { ...as('alice'), code: 'FORBIDDEN', extensions: { scope: 'items:read items:write' } },
  },
  { field: 'partners', pass: paulaOfPartners, fail: { ...as('alice'), code: 'FORBIDDEN' } },
  {
    field: 'org(org: "acme")',
    pass: as('alice', 'openid organization'),
    fail: { ...as('bob', 'openid organization'), code: 'FORBIDDEN' },
  },
  {
    field: 'permitted',
    pass: as('dave'),
    fail: { ...as('bob'), code: 'FORBIDDEN', extensions: { permissions: ['items#create'] } },
  },
  { field: 'active', pass: as('alice'), fail: { ...revokedAlice, code: 'UNAUTHENTICATED' } },
  { field: 'owned(id: "daves-doc")', pass: as('dave'), fail: { ...as('bob'), code: 'FORBIDDEN' } },
];

const nameOf = (field: string) => field.split('(', 1)[0];

/**
 * Every rule of the library on GraphQL, on both platforms: as a query, a mutation, a field of
 * an object type and a subscription, each with a caller who passes and one who is refused
 * (the field null, `extensions.code` as the REST status); a presented token that fails is an
 * HTTP 401 with REST's `WWW-Authenticate` before anything runs; sockets without a valid token
 * close with 4401 before any acknowledgement.
 */
describe.each(ADAPTERS)('GraphQL on %s (Keycloak stand-in)', (adapter) => {
  let demo: KeycloakStandIn;
  let app: INestApplication;
  let socketUrl: string;

  beforeAll(async () => {
    demo = await KeycloakStandIn.start({ realms: ['partners'] });
    app = await createGraphqlFixtureApp(
      adapter,
      standInAuthOptions(demo, { realms: ['demo', 'partners'] }),
    );
    socketUrl = `${(await app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1')}/graphql`;
  });

  afterAll(async () => {
    await app.close();
    await demo.stop();
  });

  /** What the rule's field answered for `caller`: its value and its errors. */
  async function overHttp(kind: 'query' | 'mutation' | 'field', field: string, caller: Caller) {
    const token = await caller.token(demo);
    const selection = kind === 'field' ? `probe { ${field} }` : field;
    const operation = kind === 'mutation' ? 'mutation' : 'query';
    const { status, body } = await postGraphql(app, `${operation} { ${selection} }`, { token });
    expect(status).toBe(200);
    const data = (kind === 'field' ? body.data?.probe : body.data) as Record<string, unknown>;
    return { value: data[nameOf(field)], errors: body.errors ?? [] };
  }

  async function overSocket(field: string, caller: Caller) {
    const client = await graphqlWsClient(socketUrl, await caller.token(demo));
    await client.acknowledged;
    const result: GraphqlResult = (await client.subscribe(`subscription { ${field} }`).next())!;
    await client.close();
    return { value: result.data?.[nameOf(field)] ?? null, errors: result.errors ?? [] };
  }

  describe.each(['query', 'mutation', 'field', 'subscription'] as const)('as a %s', (kind) => {
    const answer = (field: string, caller: Caller) =>
      kind === 'subscription' ? overSocket(field, caller) : overHttp(kind, field, caller);

    it.each(RULES)('$field: lets the right caller through', async ({ field, pass }) => {
      const { value, errors } = await answer(field, pass);
      expect(errors).toEqual([]);
      expect(value).toBe(pass.answer ?? pass.sub);
    });

    // A socket without a token is closed before any subscription (tested below).
    const refusable = RULES.filter(
      ({ fail }) => fail && !(kind === 'subscription' && fail.sub === nobody.sub),
    );
    it.each(refusable)(
      '$field: refuses the wrong caller with its code, the field null',
      async ({ field, fail }) => {
        const { value, errors } = await answer(field, fail!);
        expect(value).toBeNull();
        expect(errors).toHaveLength(1);
        expect(errors[0].extensions).toMatchObject({ code: fail!.code, ...fail!.extensions });
        expect(errors[0].path).toEqual(
          kind === 'field' ? ['probe', nameOf(field)] : [nameOf(field)],
        );
      },
    );
  });

  it('answers the other fields when one is refused', async () => {
    const token = await demo.tokenFor('bob');
    const { status, body } = await postGraphql(app, '{ open read admin }', { token });
    expect(status).toBe(200);
    expect(body.data).toEqual({ open: 'anonymous', read: bob, admin: null });
    expect(body.errors).toEqual([
      {
        message: 'Missing required roles: api-admin',
        locations: [{ line: 1, column: 13 }],
        path: ['admin'],
        extensions: { code: 'FORBIDDEN', status: 403, requiredRoles: ['api-admin'] },
      },
    ]);
  });

  it('answers UNAUTHENTICATED on the protected fields of a request without a token', async () => {
    const { status, body } = await postGraphql(app, '{ open me }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ open: 'anonymous', me: null });
    expect(body.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
      ['Missing bearer token', 'UNAUTHENTICATED'],
    ]);
  });

  it.each([
    ['expired', (kc: KeycloakStandIn) => kc.tokenFor('alice', { expiresIn: -60 })],
    ['forged', async (kc: KeycloakStandIn) => `${await kc.tokenFor('alice')}x`],
  ])('answers an %s token with REST’s 401 before anything runs', async (_, tokenOf) => {
    const token = await tokenOf(demo);
    const rest = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(401);
    const graphql = await postGraphql(app, '{ open }', { token });
    expect(graphql.status).toBe(401);
    expect(graphql.challenge).toEqual(rest.headers['www-authenticate']);
    expect(graphql.body).toEqual(rest.body);
  });

  it('checks a DPoP proof once for all the fields of a request, and refuses it replayed', async () => {
    const key = await dpopKey();
    const token = await demo.tokenFor('alice', { dpopJkt: key.jkt });
    const htu = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
    const proof = await dpopProof({ key, htm: 'POST', htu, token });
    const send = () =>
      request(app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `DPoP ${token}`)
        .set('DPoP', proof)
        .set('Host', new URL(htu).host)
        .send({ query: '{ me admin read }' });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ data: { me: alice, admin: alice, read: alice } });
    const replayed = await send();
    expect(replayed.status).toBe(401);
    expect((replayed.body as { message: string }).message).toBe('The DPoP proof was already used');
  });

  describe('graphql-ws sockets', () => {
    it.each([
      ['without a token', () => Promise.resolve(undefined), 'Missing bearer token'],
      [
        'with an expired token',
        () => demo.tokenFor('alice', { expiresIn: -60 }),
        'Token has expired',
      ],
      ['with a forged token', async () => `${await demo.tokenFor('alice')}x`, 'Invalid token'],
      [
        'with a DPoP-bound token',
        async () => `DPoP ${await demo.tokenFor('alice', { dpopJkt: (await dpopKey()).jkt })}`,
        'DPoP-bound tokens cannot authenticate a WebSocket: use a Bearer token',
      ],
    ])('closes a socket %s with 4401 before any acknowledgement', async (_, tokenOf, reason) => {
      const client = await graphqlWsClient(socketUrl, await tokenOf());
      await expect(client.acknowledged).rejects.toEqual({ code: 4401, reason });
      await expect(client.closed).resolves.toEqual({ code: 4401, reason });
    });

    it('acknowledges any valid token and checks each subscription on its own', async () => {
      const client = await graphqlWsClient(socketUrl, await demo.tokenFor('bob'));
      await client.acknowledged;
      const refused = await client.subscribe('subscription { admin }').next();
      const passed = await client.subscribe('subscription { read }').next();
      expect(refused?.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(passed).toEqual({ data: { read: bob } });
      await client.close();
    });
  });
});
