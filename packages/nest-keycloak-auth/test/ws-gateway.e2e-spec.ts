import type { INestApplication } from '@nestjs/common';
import {
  dpopKey,
  KeycloakStandIn,
  type DemoUsername,
  standInAuthOptions,
  wsClient,
  WsRefusal,
  type WsTestClient,
} from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp } from './fixtures/fixture-app.js';
import { FixtureGateway, FixtureOwner, LockedGateway } from './fixtures/fixture.gateway.js';

/**
 * The library's decorators on WebSocket message handlers (test/fixtures/fixture.gateway.ts), read
 * by the same guards as HTTP routes: a pass and a refusal each, the refusal an `error` event that
 * leaves the socket open.
 */
describe.each(ADAPTERS)('WebSocket gateway on %s (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let url: string;
  const open: WsTestClient[] = [];

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start({ realms: ['partners'] });
    const auth = standInAuthOptions(keycloak, {
      realms: ['demo', 'partners'],
      introspectionCacheTtlSeconds: 0,
    });
    app = await createFixtureApp({
      adapter,
      auth,
      providers: [FixtureOwner],
      gateways: [FixtureGateway, LockedGateway],
    });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace(/^http/, 'ws');
    FixtureOwner.owners['1'] = keycloak.accessClaims({ username: 'bob' }).sub as string;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  beforeEach(() => keycloak.reset());

  async function connect(
    username: DemoUsername,
    path = '/ws',
    headers = {},
    scope?: string,
  ): Promise<WsTestClient> {
    const token = await keycloak.tokenFor(username, { scope });
    const client = await wsClient(`${url}${path}`, token, { headers });
    open.push(client);
    return client;
  }

  /** Sends one message and returns the answer: the handler's event, or the refusal. */
  async function ask(client: WsTestClient, event: string, data?: unknown) {
    client.send(event, data);
    return client.next();
  }

  const ORGANIZATION = 'openid organization';
  const refused = (code: string, message: string) => ({ event: 'error', data: { code, message } });

  it('@CurrentUser: the handshake principal, on every message', async () => {
    const client = await connect('alice');
    const sub = keycloak.accessClaims({ username: 'alice' }).sub;
    expect(await ask(client, 'me')).toEqual({ event: 'me', data: { sub } });
    expect(await ask(client, 'me')).toEqual({ event: 'me', data: { sub } });
  });

  it('@Roles: all roles pass; a missing one is FORBIDDEN and the socket stays open', async () => {
    expect(await ask(await connect('alice'), 'admin')).toEqual({ event: 'admin', data: true });
    const bob = await connect('bob');
    expect(await ask(bob, 'admin')).toEqual(
      refused('FORBIDDEN', 'Missing required roles: api-admin'),
    );
    expect(await ask(bob, 'read')).toEqual({ event: 'read', data: true });
  });

  it('@AnyRole: one of the roles passes; none is FORBIDDEN', async () => {
    expect(await ask(await connect('bob'), 'read')).toEqual({ event: 'read', data: true });
    expect(await ask(await connect('carol'), 'read')).toEqual(
      refused('FORBIDDEN', 'Insufficient permissions'),
    );
  });

  it('@Scopes and @AnyScope: the token scope decides', async () => {
    const scoped = await wsClient(
      `${url}/ws`,
      await keycloak.tokenFor('alice', { scope: 'openid items:write' }),
    );
    open.push(scoped);
    expect(await ask(scoped, 'write')).toEqual({ event: 'write', data: true });
    expect(await ask(scoped, 'items')).toEqual({ event: 'items', data: true });
    const plain = await connect('alice');
    expect(await ask(plain, 'write')).toEqual(
      refused('FORBIDDEN', 'Missing required scopes: items:write'),
    );
    expect(await ask(plain, 'items')).toEqual(
      refused('FORBIDDEN', 'Requires one scope of: items:read, items:write'),
    );
  });

  it('@Realms: a partners token passes; a demo token is FORBIDDEN', async () => {
    const paula = await wsClient(
      `${url}/ws`,
      await keycloak.realmNamed('partners').mintAccessToken({ username: 'paula' }),
    );
    open.push(paula);
    expect(await ask(paula, 'partners')).toEqual({ event: 'partners', data: true });
    expect(await ask(await connect('alice'), 'partners')).toEqual(
      refused('FORBIDDEN', "Tokens of this token's realm may not call this route"),
    );
  });

  it('@RequireOrganization in the message: a member passes, others are refused', async () => {
    const alice = await connect('alice', '/ws', {}, ORGANIZATION);
    expect(await ask(alice, 'org', { org: 'acme' })).toEqual({ event: 'org', data: 'acme' });
    expect(await ask(alice, 'org', { org: 'globex' })).toEqual(
      refused('FORBIDDEN', 'Not a member of this organization'),
    );
    expect(await ask(alice, 'org', 'acme')).toEqual(
      refused('BAD_REQUEST', 'Organization not named: path parameter org'),
    );
  });

  it('@RequireOrganization in a handshake header: a member passes, others are refused', async () => {
    const member = await connect('alice', '/ws', { 'X-Organization': 'acme' }, ORGANIZATION);
    expect(await ask(member, 'tenant')).toEqual({ event: 'tenant', data: 'acme' });
    const other = await connect('alice', '/ws', { 'X-Organization': 'globex' }, ORGANIZATION);
    expect(await ask(other, 'tenant')).toEqual(
      refused('FORBIDDEN', 'Not a member of this organization'),
    );
  });

  it('@Permission: Keycloak grants alice and denies bob', async () => {
    keycloak.setPolicy('items#delete', ['api-admin']);
    expect(await ask(await connect('alice'), 'permitted')).toEqual({
      event: 'permitted',
      data: true,
    });
    expect(await ask(await connect('bob'), 'permitted')).toEqual(
      refused('FORBIDDEN', 'Permission denied: items#delete'),
    );
  });

  it('@OwnerOrRole: the owner and an api-admin pass; another user is FORBIDDEN', async () => {
    expect(await ask(await connect('bob'), 'rename', { id: 1 })).toEqual({
      event: 'rename',
      data: 1,
    });
    expect(await ask(await connect('alice'), 'rename', { id: 1 })).toEqual({
      event: 'rename',
      data: 1,
    });
    expect(await ask(await connect('dave'), 'rename', { id: 1 })).toEqual(
      refused('FORBIDDEN', 'Only the owner or a holder of api-admin may do this'),
    );
  });

  it('@Public: passes a class-wide rule nobody meets; the other handler is refused', async () => {
    const client = await connect('alice', '/ws-locked');
    expect(await ask(client, 'open')).toEqual({ event: 'open', data: true });
    expect(await ask(client, 'locked')).toEqual(
      refused('FORBIDDEN', 'Missing required roles: nobody-has-this'),
    );
  });

  it('@RequireActiveToken: an active token passes; once Keycloak says inactive, the socket closes 4401', async () => {
    const token = await keycloak.tokenFor('alice');
    const client = await wsClient(`${url}/ws`, token);
    expect(await ask(client, 'active')).toEqual({ event: 'active', data: true });
    expect(keycloak.requests.introspect).toBeGreaterThanOrEqual(1);
    const revokedAt = Date.now();
    keycloak.revoke(token);
    expect(await client.closed).toEqual({ code: 4401, reason: 'Token no longer active' });
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('@RequireActiveToken refuses a message whose token Keycloak already calls inactive', async () => {
    const token = await keycloak.tokenFor('bob');
    const client = await wsClient(`${url}/ws`, token);
    keycloak.revoke(token);
    expect(await ask(client, 'active')).toEqual(
      refused('UNAUTHENTICATED', 'Token is no longer active'),
    );
    expect((await client.closed).code).toBe(4401);
  });

  it('refuses a DPoP-bound token at the handshake with 401: no proof can come with each message', async () => {
    const key = await dpopKey();
    const token = await keycloak.mintAccessToken({ dpopJkt: key.jkt });
    const refusal = await wsClient(`${url}/ws`, token).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WsRefusal);
    expect((refusal as WsRefusal).status).toBe(401);
    expect(JSON.parse((refusal as WsRefusal).body)).toEqual({
      statusCode: 401,
      message: 'A DPoP-bound token cannot open a WebSocket: use a Bearer token',
      error: 'Unauthorized',
    });
    expect((refusal as WsRefusal).headers['www-authenticate']).toContain('error="invalid_token"');
  });
});
