import type { INestApplication } from '@nestjs/common';
import { tamperPayload, wsClient, WsRefusal, type WsTestClient } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from '../support/adapters.js';
import { call, startApp } from './support/api.js';
import {
  KeycloakAdmin,
  UndoStack,
  WEB_CLIENT_ID,
  logoutSession,
  userTokens,
} from './support/keycloak.js';

/**
 * The `/ws` gateway with real Keycloak tokens: alice (api-admin) and bob (api-read) through
 * both token carriers, a live push of an item created through REST, a refusal of a user
 * without an API role, and a session logged out in Keycloak closing its socket (4401) within
 * 1 s through the back-channel logout Keycloak posts to the app.
 */
describe.each(ADAPTERS)('/ws with real Keycloak tokens on %s', (adapter) => {
  let app: INestApplication;
  let url: string;
  const undo = new UndoStack();
  const open: WsTestClient[] = [];

  beforeAll(async () => {
    const admin = await KeycloakAdmin.connect();
    app = await startApp(adapter, { BACKCHANNEL_LOGOUT_AUDIENCES: WEB_CLIENT_ID });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    url = `${base.replace(/^http/, 'ws')}/ws`;
    await admin.enableBackchannelLogout(WEB_CLIENT_ID, `${base}/auth/backchannel-logout`, undo);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    try {
      await undo.runAll();
    } finally {
      await app.close();
    }
  });

  async function connect(token: string, viaProtocol = false): Promise<WsTestClient> {
    const client = await wsClient(url, token, { viaProtocol });
    open.push(client);
    return client;
  }

  it('bob (browser carrier) and alice (header) subscribe; an item alice creates through REST is pushed to both', async () => {
    const alice = (await userTokens('alice')).access_token;
    const bobSocket = await connect((await userTokens('bob')).access_token, true);
    const aliceSocket = await connect(alice);
    expect(bobSocket.protocol).toBe('bearer');
    for (const socket of [bobSocket, aliceSocket]) {
      socket.send('subscribe', { topic: 'items' });
      expect(await socket.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    }
    const created = await call(app, 'POST', '/items', alice).send({ name: 'kc-ws item' });
    expect(created.status).toBe(201);
    for (const socket of [bobSocket, aliceSocket]) {
      expect(await socket.nextEvent('item.created')).toEqual({
        event: 'item.created',
        data: created.body,
      });
    }
  });

  it('carol (no API role) opens a socket, but subscribe is FORBIDDEN', async () => {
    const carol = await connect((await userTokens('carol')).access_token);
    carol.send('subscribe', { topic: 'items' });
    expect(await carol.next()).toEqual({
      event: 'error',
      data: { code: 'FORBIDDEN', message: 'Insufficient permissions' },
    });
  });

  it('a tampered real token is refused with 401 before the upgrade', async () => {
    const tampered = tamperPayload((await userTokens('bob')).access_token, { sub: 'someone' });
    const refusal = await wsClient(url, tampered).then(
      () => Promise.reject(new Error('the handshake was accepted')),
      (error: unknown) => error as WsRefusal,
    );
    expect(refusal).toBeInstanceOf(WsRefusal);
    expect(refusal.status).toBe(401);
    expect(refusal.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it("bob logs out in Keycloak: his socket closes with 4401 within 1 s; alice's stays", async () => {
    const bob = await userTokens('bob');
    const bobSocket = await connect(bob.access_token);
    const aliceSocket = await connect((await userTokens('alice')).access_token);
    await logoutSession(bob.refresh_token!);
    const returned = Date.now();
    expect(await bobSocket.closed).toEqual({ code: 4401, reason: 'Token revoked' });
    expect(Date.now() - returned).toBeLessThan(1000);
    aliceSocket.send('unsubscribe', { topic: 'items' });
    expect(await aliceSocket.next()).toEqual({ event: 'unsubscribed', data: { topic: 'items' } });
  });
});
