import { Logger, type INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { KeycloakStandIn, tamperPayload } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { LogCapture } from './support/log-capture.js';
import { createTestApp } from './support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const CLIENT_SECRET = 'Cl13nt-S3cr3t-never-logged';
const COOKIE_VALUE = 'c00kie-session-value-never-logged';

/** Request ids, traces and JSON logs, through the real app with the app's JSON logger. */
describe.each(ADAPTERS)('%s: request ids and JSON logs (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let logs: LogCapture;
  let bob: string;
  let sequence = 0;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start({ clientSecret: CLIENT_SECRET });
    logs = new LogCapture([CLIENT_SECRET]); // as src/main.ts builds it
    app = await createTestApp(keycloak, {
      adapter,
      logger: logs,
      env: { JWKS_COOLDOWN_SECONDS: '0' },
    });
    await app.listen(0, '127.0.0.1');
    bob = await keycloak.tokenFor('bob');
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  /** A request id no other test sends. */
  const uniqueId = (label: string) => `${adapter}-${label}-${++sequence}`;

  /** The `auth_refused` lines logged while serving the request with this id. */
  const refusals = (requestId: string) =>
    logs.records().filter((line) => line.event === 'auth_refused' && line.requestId === requestId);

  const items = () => request(app.getHttpServer()).get('/items');

  describe('X-Request-Id', () => {
    it.each([
      ['/health', 200, () => request(app.getHttpServer()).get('/health')],
      ['no token', 401, () => items()],
      ['an unknown route', 404, () => request(app.getHttpServer()).get('/no-such-route')],
      [
        'malformed JSON',
        400,
        () =>
          request(app.getHttpServer())
            .post('/items')
            .set({ Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json' })
            .send('{"name": not json}'),
      ],
      ['a bad %-escape', 400, () => request(app.getHttpServer()).get('/items/%E0%A4%A')],
      [
        'a CORS preflight',
        204,
        () =>
          request(app.getHttpServer())
            .options('/items')
            .set({ Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' }),
      ],
    ])('is echoed on the answer to %s (%i)', async (_label, status, send) => {
      const id = uniqueId(`echo-${status}`);
      const response = await send().set('X-Request-Id', id);
      expect({ status: response.status, id: response.headers['x-request-id'] }).toEqual({
        status,
        id,
      });
    });

    it('is echoed on a 503 (keys unreachable) and carried into its ERROR refusal line', async () => {
      await keycloak.rotateKey();
      const token = await keycloak.tokenFor('bob');
      keycloak.setFault('jwks', { status: 500 });
      try {
        const id = uniqueId('unavailable');
        const response = await items()
          .set({ 'X-Request-Id': id, Authorization: `Bearer ${token}` })
          .expect(503);
        expect(response.headers['x-request-id']).toBe(id);
        expect(refusals(id)).toEqual([expect.objectContaining({ level: 'error', status: 503 })]);
      } finally {
        keycloak.clearFaults();
      }
    });

    it("appears as requestId in the refusal's log line, with the refusal's fields at top level", async () => {
      const id = uniqueId('refusal');
      await items().set('X-Request-Id', id).expect(401);
      const [line, ...others] = refusals(id);
      expect(others).toEqual([]);
      expect(line).toMatchObject({ level: 'warn', context: 'Audit', status: 401, requestId: id });
      expect(line.reason).toMatch(/^ERR_/);
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
      expect(line.pid).toBe(process.pid);
    });

    it('survives reading a body that arrives after the headers, in a later write', async () => {
      const id = uniqueId('body');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const body = JSON.stringify({ name: 'late' });
      const post = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/items',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          'X-Request-Id': id,
          Authorization: 'Bearer not-a-token',
        },
      });
      const answered = once(post, 'response') as Promise<[IncomingMessage]>;
      // The headers and the first half go out first; the rest once they are on the wire.
      await new Promise<void>((resolve) => post.write(body.slice(0, 5), () => resolve()));
      post.end(body.slice(5));
      const [response] = await answered;
      response.resume();
      expect(response.statusCode).toBe(401);
      expect(refusals(id)).toHaveLength(1);
    });

    it('accepts 128 visible ASCII characters, the longest allowed', async () => {
      const id = `!~${'a'.repeat(122)}${sequence++}`.slice(0, 128).padEnd(128, 'z');
      const response = await items().set('X-Request-Id', id).expect(401);
      expect(response.headers['x-request-id']).toBe(id);
    });

    it.each([
      ['too long (129 characters)', 'b'.repeat(129)],
      ['with a space', 'has space'],
      ['with a control character (tab)', 'tab\there'],
      ['with a non-ASCII character', 'caf\u00e9'],
      ['empty', ''],
    ])('is replaced with a generated UUID when %s, echoed and logged', async (_label, sent) => {
      const response = await items().set('X-Request-Id', sent).expect(401);
      const generated = response.headers['x-request-id'];
      expect(generated).toMatch(UUID);
      expect(refusals(generated)).toHaveLength(1);
    });

    it('is generated when none is sent, a new one per request', async () => {
      const [first, second] = await Promise.all([items(), items()]);
      const ids = [first.headers['x-request-id'], second.headers['x-request-id']];
      expect(ids).toEqual([expect.stringMatching(UUID), expect.stringMatching(UUID)]);
      expect(ids[0]).not.toBe(ids[1]);
    });
  });

  describe('traceparent', () => {
    it("logs a well-formed header's trace id as traceId", async () => {
      const id = uniqueId('trace');
      await items().set({ 'X-Request-Id': id, traceparent: TRACEPARENT }).expect(401);
      expect(refusals(id)).toEqual([expect.objectContaining({ traceId: TRACE_ID })]);
    });

    it.each([
      ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
      ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
      ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`],
      ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
      ['a short trace id', `00-${TRACE_ID.slice(1)}-00f067aa0ba902b7-01`],
      ['garbage', 'not a traceparent'],
    ])('ignores a header with %s', async (_label, traceparent) => {
      const id = uniqueId('bad-trace');
      await items().set({ 'X-Request-Id': id, traceparent }).expect(401);
      const [line] = refusals(id);
      expect(line).toBeDefined();
      expect(line).not.toHaveProperty('traceId');
    });
  });

  describe('redaction', () => {
    it('never writes a token, a cookie or the client secret, and every line is JSON', async () => {
      const server = app.getHttpServer();
      const invalid = tamperPayload(bob, { sub: 'mallory' });
      const expired = await keycloak.tokenFor('bob', { exp: Math.floor(Date.now() / 1000) - 60 });
      const cookie = `sid=${COOKIE_VALUE}`;
      await request(server)
        .get('/me')
        .set({ Authorization: `Bearer ${bob}`, Cookie: cookie });
      await request(server)
        .get('/me')
        .set({ Authorization: `Bearer ${invalid}`, Cookie: cookie });
      await request(server).get('/me').set('Authorization', `Bearer ${expired}`).expect(401);
      await request(server).get(`/items?access_token=${bob}`).set('Cookie', cookie).expect(401);
      await request(server).get('/admin/users').set('Authorization', `Bearer ${bob}`).expect(403);
      // What a careless log call would write: masked by the formatter, whatever the code.
      new Logger('Careless').warn({
        event: 'careless',
        headers: { Authorization: `Bearer ${bob}`, cookie },
        url: `/items?access_token=${bob}`,
        note: `secret ${CLIENT_SECRET}, token ${invalid}`,
      });
      new Logger('Careless').error(`Authorization: Bearer ${expired}`);

      const records = logs.records(); // throws if a line is not JSON
      expect(
        records.filter((line) => line.event === 'auth_refused').map((line) => line.status),
      ).toEqual(expect.arrayContaining([401, 403]));
      expect(records.find((line) => line.event === 'careless')).toMatchObject({
        headers: { Authorization: '[redacted]', cookie: '[redacted]' },
        url: '/items?access_token=[redacted]',
        note: 'secret [redacted], token [redacted]',
      });
      for (const secret of [bob, invalid, expired, COOKIE_VALUE, CLIENT_SECRET]) {
        expect(logs.lines.filter((line) => line.includes(secret))).toEqual([]);
      }
      for (const part of [bob, invalid, expired].flatMap((token) => token.split('.'))) {
        expect(logs.lines.filter((line) => line.includes(part))).toEqual([]);
      }
    });
  });

  describe('requests the HTTP parser refuses', () => {
    /** Writes `raw` to the listening app and resolves with everything it answers. */
    async function exchange(raw: string): Promise<string> {
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.end(raw);
      await once(socket, 'close');
      return answer;
    }

    it("answers a token with npm's banner pasted in (a line break in a header) with JSON and a log line", async () => {
      // TOKEN=$(npm run token -- alice), without -s: npm's banner lands inside the header.
      const banner = `> nest-keycloak-api@0.1.0 token\n> node scripts/token.mjs alice\n\n${bob}`;
      const answer = await exchange(
        `GET /me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${banner}\r\n\r\n`,
      );
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(head).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/);
      expect(JSON.parse(body)).toEqual({
        statusCode: 400,
        message: expect.stringMatching(
          /^Malformed HTTP request: .*line break inside a pasted token/,
        ),
        error: 'Bad Request',
      });
      const refused = logs.records().filter((line) => line.event === 'http_request_refused');
      expect(refused.at(-1)).toMatchObject({ level: 'warn', context: 'Http', status: 400 });
      expect(logs.lines.filter((line) => line.includes(bob.split('.')[1]))).toEqual([]);
    });
  });
});
