import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import {
  KeycloakStandIn,
  tamperPayload,
  wsClient,
  WsRefusal,
  type DemoUsername,
  type WsClientOptions,
  type WsTestClient,
} from 'nest-keycloak-auth/testing';
import { LiveGateway } from '../src/live/live.gateway.js';
import { ADAPTERS } from './support/adapters.js';
import { LogCapture } from './support/log-capture.js';
import { createTestApp } from './support/test-app.js';

const TOLERANCE_SECONDS = 1;
const MAX_MESSAGE_BYTES = 2048;
const MESSAGES_PER_SECOND = 5;
const SOCKETS_PER_PRINCIPAL = 3;

/** The live gateway at `/ws` of the real app: handshake, carriers, closes, limits, pushes. */
describe.each(ADAPTERS)('%s: WebSocket gateway /ws (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let logs: LogCapture;
  let url: string;
  const open: WsTestClient[] = [];

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    logs = new LogCapture();
    app = await createTestApp(keycloak, {
      adapter,
      logger: logs,
      env: {
        BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
        JWT_CLOCK_TOLERANCE_SECONDS: String(TOLERANCE_SECONDS),
        WS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
        WS_MESSAGES_PER_SECOND: String(MESSAGES_PER_SECOND),
        WS_SOCKETS_PER_PRINCIPAL: String(SOCKETS_PER_PRINCIPAL),
      },
    });
    await app.listen(0, '127.0.0.1');
    url = `${(await app.getUrl()).replace(/^http/, 'ws')}/ws`;
    keycloak.registerBackchannelLogout(`${await app.getUrl()}/auth/backchannel-logout`);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  async function connect(
    token: string | undefined,
    options: WsClientOptions = {},
  ): Promise<WsTestClient> {
    const client = await wsClient(url, token, options);
    open.push(client);
    return client;
  }

  const connectAs = async (username: DemoUsername) => connect(await keycloak.tokenFor(username));

  /** The refusal of a handshake that must not open. */
  async function refusal(token: string | undefined, options: WsClientOptions = {}) {
    const error = await wsClient(url, token, options).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(WsRefusal);
    const { status, headers, body } = error as WsRefusal;
    return { status, headers, body: JSON.parse(body) as unknown };
  }

  /** What REST answers to GET /me with this token, to compare a handshake refusal with. */
  async function rest(token: string | undefined) {
    const call = request(app.getHttpServer()).get('/me');
    const response = await (token === undefined
      ? call
      : call.set('Authorization', `Bearer ${token}`));
    return {
      status: response.status,
      body: response.body as unknown,
      header: response.headers['www-authenticate'],
    };
  }

  describe('handshake', () => {
    it.each([
      ['no token', () => Promise.resolve(undefined), 'Missing bearer token'],
      [
        'a tampered token',
        async () => tamperPayload(await keycloak.tokenFor('bob'), { sub: 'x' }),
        'Invalid token',
      ],
      [
        'an expired token',
        async () => keycloak.tokenFor('bob', { exp: now() - 60 }),
        'Token has expired',
      ],
    ])('answers %s with 401 before the upgrade, as REST does', async (_case, token, message) => {
      const sent = await token();
      const answer = await refusal(sent);
      const expected = await rest(sent);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ statusCode: 401, message, error: 'Unauthorized' });
      expect(answer.body).toEqual(expected.body);
      expect(answer.headers['www-authenticate']).toBe(expected.header);
      expect(answer.headers.upgrade).toBeUndefined();
    });

    it('answers a logged-out token with 401 "no longer active"', async () => {
      const sid = randomUUID();
      const token = await keycloak.tokenFor('bob', { sid });
      expect(await keycloak.endSession({ sid, username: 'bob' })).toBe(200);
      const answer = await refusal(token);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ message: 'Token is no longer active' });
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers a token sent both ways with 400 invalid_request', async () => {
      const token = await keycloak.tokenFor('bob');
      const answer = await refusal(token, {
        viaProtocol: true,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ message: 'Bearer token sent more than once' });
    });

    it('accepts Authorization: Bearer (servers): no subprotocol is chosen', async () => {
      const client = await connectAs('bob');
      expect(client.protocol).toBe('');
      client.send('subscribe', { topic: 'items' });
      expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    });

    it('accepts Sec-WebSocket-Protocol: bearer, <token> (browsers): the server answers `bearer`', async () => {
      const client = await connect(await keycloak.tokenFor('bob'), { viaProtocol: true });
      expect(client.protocol).toBe('bearer');
      client.send('subscribe', { topic: 'items' });
      expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    });

    it('cuts an upgrade to a path no server answers, and answers an unreadable target 400 without details', async () => {
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const { hostname, port } = new URL(base);
      const upgrade = (path: string) => {
        const req = httpRequest({
          host: hostname,
          port,
          path,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
            Authorization: `Bearer ${token}`,
          },
        });
        req.end();
        return new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
          req.once('upgrade', (_response, socket) => {
            socket.destroy();
            resolve({ status: 101 });
          });
          req.once('response', (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += String(chunk)));
            response.once('end', () => resolve({ status: response.statusCode, body }));
          });
          req.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code }));
        });
      };
      const token = await keycloak.tokenFor('alice');

      expect(await upgrade('/nowhere')).toEqual({ error: 'ECONNRESET' });
      expect(await upgrade('//[')).toEqual({ status: 400, body: '' });
      expect(await upgrade('/ws')).toEqual({ status: 101 });
    });

    it('never logs the token a browser sends in Sec-WebSocket-Protocol', async () => {
      const bad = tamperPayload(await keycloak.tokenFor('bob'), { sub: 'x' });
      expect((await refusal(bad, { viaProtocol: true })).status).toBe(401);
      const good = await keycloak.tokenFor('carol');
      const client = await connect(good, { viaProtocol: true });
      client.send('subscribe', { topic: 'items' });
      await client.nextEvent('error');
      const refused = logs.records().filter((line) => line.event === 'auth_refused');
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const line of logs.lines) {
        for (const token of [bad, good]) expect(line).not.toContain(token.split('.')[1]);
      }
    });
  });

  describe('item.created', () => {
    it('pushes each item created through REST to subscribers, as REST returned it', async () => {
      const bob = await connectAs('bob');
      bob.send('subscribe', { topic: 'items' });
      await bob.nextEvent('subscribed');
      const created = await request(app.getHttpServer())
        .post('/items')
        .set('Authorization', `Bearer ${await keycloak.tokenFor('alice')}`)
        .send({ name: 'Live widget' })
        .expect(201);
      expect(await bob.nextEvent('item.created')).toEqual({
        event: 'item.created',
        data: created.body,
      });
    });

    it('refuses subscribe without api-read or api-admin with FORBIDDEN and keeps the socket open', async () => {
      const carol = await connectAs('carol');
      carol.send('subscribe', { topic: 'items' });
      expect(await carol.next()).toEqual({
        event: 'error',
        data: { code: 'FORBIDDEN', message: 'Insufficient permissions' },
      });
      carol.send('unsubscribe', { topic: 'items' });
      expect(await carol.next()).toEqual({ event: 'unsubscribed', data: { topic: 'items' } });
    });

    it('stops pushing once the socket closes', async () => {
      const gateway = app.get(LiveGateway);
      const before = gateway.followers;
      const bob = await connectAs('bob');
      bob.send('subscribe', { topic: 'items' });
      await bob.nextEvent('subscribed');
      expect(gateway.followers).toBe(before + 1);
      await bob.close();
      expect(gateway.followers).toBe(before);
    });
  });

  describe('closes', () => {
    it('closes with 4401 within 1 s of exp (plus the clock tolerance)', async () => {
      const exp = now() + 1;
      const client = await connect(await keycloak.tokenFor('bob', { exp }));
      const { code, reason } = await client.closed;
      const late = Date.now() - (exp + TOLERANCE_SECONDS) * 1000;
      expect({ code, reason }).toEqual({ code: 4401, reason: 'Token expired' });
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(1000);
    });

    it('closes with 4401 within 1 s of a back-channel logout of its session', async () => {
      const sid = randomUUID();
      const client = await connect(await keycloak.tokenFor('bob', { sid }));
      const other = await connectAs('bob');
      const loggedOut = Date.now();
      expect(await keycloak.endSession({ sid, username: 'bob' })).toBe(200);
      expect(await client.closed).toEqual({ code: 4401, reason: 'Token revoked' });
      expect(Date.now() - loggedOut).toBeLessThan(1000);
      // Another session of the same user stays.
      other.send('unsubscribe', { topic: 'items' });
      expect(await other.next()).toEqual({ event: 'unsubscribed', data: { topic: 'items' } });
    });
  });

  describe('limits', () => {
    it(`closes with 1009 on a message over ${MAX_MESSAGE_BYTES} bytes; one just under is answered`, async () => {
      const client = await connectAs('bob');
      const message = (size: number) => {
        const frame = JSON.stringify({ event: 'unsubscribe', data: { topic: 'items', pad: '' } });
        return frame.replace('"pad":""', `"pad":"${'x'.repeat(size - frame.length)}"`);
      };
      client.sendRaw(message(MAX_MESSAGE_BYTES));
      // Answered (the pad is refused by validation), so it was read whole.
      expect((await client.next()).event).toBe('error');
      client.sendRaw(message(MAX_MESSAGE_BYTES + 1));
      expect((await client.closed).code).toBe(1009);
    });

    it(`answers past ${MESSAGES_PER_SECOND} messages a second with one TOO_MANY_REQUESTS, drops the rest, then serves again`, async () => {
      const client = await connectAs('bob');
      for (let i = 0; i < MESSAGES_PER_SECOND + 3; i++)
        client.send('unsubscribe', { topic: 'items' });
      const answers = [];
      for (let i = 0; i <= MESSAGES_PER_SECOND; i++) answers.push(await client.next());
      expect(answers.filter((a) => a.event === 'unsubscribed')).toHaveLength(MESSAGES_PER_SECOND);
      expect(answers.filter((a) => a.event === 'error')).toEqual([
        {
          event: 'error',
          data: { code: 'TOO_MANY_REQUESTS', message: 'Too many messages: slow down' },
        },
      ]);
      // The window is one second: after it, the next message is the next answer (none queued).
      await delay(1000);
      client.send('subscribe', { topic: 'items' });
      expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    });

    it(`refuses socket ${SOCKETS_PER_PRINCIPAL + 1} of one user with 429; a closed one frees its place`, async () => {
      const token = await keycloak.tokenFor('dave');
      const sockets = [];
      for (let i = 0; i < SOCKETS_PER_PRINCIPAL; i++) sockets.push(await connect(token));
      const answer = await refusal(token);
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({
        statusCode: 429,
        message: 'Too many open WebSockets',
        error: 'Too Many Requests',
      });
      await connectAs('alice'); // another user is not counted with dave
      await sockets[0].close();
      await connect(token);
    });
  });

  describe('what a client sends never takes the gateway down', () => {
    // Each socket stays within WS_MESSAGES_PER_SECOND: garbage counts against it too.
    it('ignores malformed JSON, binary frames, unknown events and odd shapes, and still answers', async () => {
      const client = await connectAs('bob');
      client.sendRaw('{not json');
      client.sendRaw(new Uint8Array([0xff, 0x00, 0x13]));
      client.sendRaw('[1,2,3]');
      client.send('no-such-event', { x: 1 });
      client.send('subscribe', { topic: 'items' });
      expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    });

    it('answers data that fails validation with BAD_REQUEST and its reason', async () => {
      const client = await connectAs('bob');
      client.sendRaw('null');
      client.send('subscribe', { topic: 'other' });
      expect(await client.next()).toEqual({
        event: 'error',
        data: { code: 'BAD_REQUEST', message: 'topic must be one of the following values: items' },
      });
      client.send('subscribe');
      expect((await client.next()).data).toMatchObject({ code: 'BAD_REQUEST' });
      client.send('subscribe', { topic: 'items' });
      expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
    });
  });
});

describe.each(ADAPTERS)(
  '%s: WebSocket handshakes and the failed-authentication limit',
  (adapter) => {
    let keycloak: KeycloakStandIn;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      keycloak = await KeycloakStandIn.start();
      app = await createTestApp(keycloak, { adapter, env: { AUTH_FAILURE_LIMIT: '2' } });
      await app.listen(0, '127.0.0.1');
      url = `${(await app.getUrl()).replace(/^http/, 'ws')}/ws`;
    });

    afterAll(async () => {
      await app.close();
      await keycloak.stop();
    });

    it('counts failed handshakes with REST: past the limit 429 with Retry-After; a valid token still opens', async () => {
      const bad = tamperPayload(await keycloak.tokenFor('bob'), { sub: 'x' });
      await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', `Bearer ${bad}`)
        .expect(401);
      const refused = (token: string) =>
        wsClient(url, token).then(
          () => Promise.reject(new Error('the handshake was accepted')),
          (error: unknown) => error as WsRefusal,
        );
      expect((await refused(bad)).status).toBe(401);
      const second = await refused(bad);
      expect(second.status).toBe(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(second.body)).toMatchObject({ message: 'Too many failed authentications' });
      const client = await wsClient(url, await keycloak.tokenFor('bob'));
      await client.close();
    });
  },
);

function now(): number {
  return Math.floor(Date.now() / 1000);
}
