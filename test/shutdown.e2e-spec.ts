import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { KeycloakStandIn, wsClient } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort, started, waitForLine } from './support/child-app.js';

// The built app (`npm test` builds first), as `npm run start:prod` runs it.
const MAIN = 'dist/main.js';
const BASE_ENV = {
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  PGLITE_DATA_DIR: 'memory://',
  // The held introspection must outlast the test's steps, not the app's patience.
  KEYCLOAK_INTROSPECTION_TIMEOUT_MS: '25000',
};
/** What src/shutdown/shutdown.service.ts logs at each step. */
const DRAINING = 'Shutting down on';
const CLOSED = 'Stopped accepting connections';

/** One request on its own connection (no pool): status, and whether it asked to close. */
function get(port: number, path: string): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest({ port, host: '127.0.0.1', path, agent: false }, (response) => {
      response.resume();
      const { connection } = response.headers;
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection }));
    });
    call.on('error', reject).end();
  });
}

/** Resolves with the error code of a fresh TCP connection to `port` (ECONNREFUSED expected). */
async function connectionError(port: number): Promise<string | undefined> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  } finally {
    socket.destroy();
  }
}

/** A keep-alive connection that has had one answer and now sits idle. */
async function idleConnection(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  await once(socket, 'data');
  return socket;
}

describe.each(ADAPTERS)('graceful shutdown of the built app on %s', (HTTP_ADAPTER) => {
  let keycloak: KeycloakStandIn;
  let child: ChildProcess;
  let port: number;
  let base: string;

  /** Starts the app with these shutdown settings; resolves once it listens. */
  async function startApp(env: Record<string, string>): Promise<void> {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...BASE_ENV,
        ...env,
        HTTP_ADAPTER,
        PORT: String(port),
        KEYCLOAK_URL: keycloak.url,
        KEYCLOAK_CLIENT_ID: keycloak.clientId,
        KEYCLOAK_CLIENT_SECRET: keycloak.clientSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await started(child);
  }

  /** Creates an item as alice and starts deleting it; resolves once introspection is held. */
  async function heldDelete(): Promise<{ answer: Promise<Response> }> {
    const headers = { Authorization: `Bearer ${await keycloak.tokenFor('alice')}` };
    const created = await fetch(`${base}/items`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'in flight' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    keycloak.failNext('introspect', { delayMs: 60_000 });
    const held = keycloak.delayedRequest();
    const answer = fetch(`${base}/items/${id}`, { method: 'DELETE', headers });
    await held;
    return { answer };
  }

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
  });

  afterEach(async () => {
    keycloak.reset();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  afterAll(() => keycloak.stop());

  it('on SIGTERM: readiness 503 while draining, then refuses connections, finishes the request in flight and exits by the signal', async () => {
    await startApp({ SHUTDOWN_DRAIN_MS: '1000', SHUTDOWN_TIMEOUT_MS: '30000' });
    expect((await get(port, '/health/ready')).status).toBe(200);
    const idle = await idleConnection(port);
    const { answer } = await heldDelete();
    const exited = once(child, 'exit');

    const draining = waitForLine(child, DRAINING, 10_000);
    const closed = waitForLine(child, CLOSED, 10_000);
    child.kill('SIGTERM');
    await draining;
    // Draining: still serving, but readiness says go elsewhere, and every answer closes.
    expect(await get(port, '/health/ready')).toEqual({ status: 503, connection: 'close' });
    expect((await get(port, '/health')).status).toBe(200);

    await closed;
    expect(await connectionError(port)).toBe('ECONNREFUSED');
    if (!idle.closed) await once(idle, 'close'); // idle keep-alive connections are closed
    expect(child.exitCode).toBeNull(); // still waiting for the DELETE

    keycloak.releaseDelayed();
    expect((await answer).status).toBe(204);
    expect(await exited).toEqual([null, 'SIGTERM']);
  }, 30_000);

  it('on SIGTERM: closes open WebSockets with 1001 (they would hold the server) and exits', async () => {
    await startApp({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_TIMEOUT_MS: '30000' });
    const token = await keycloak.tokenFor('bob');
    const sockets = await Promise.all(
      [1, 2].map(() => wsClient(`ws://127.0.0.1:${port}/ws`, token)),
    );
    const exited = once(child, 'exit');

    child.kill('SIGTERM');
    for (const socket of sockets) {
      expect(await socket.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    }
    expect(await exited).toEqual([null, 'SIGTERM']);
  }, 30_000);

  it('on SIGINT: cuts a request still running after SHUTDOWN_TIMEOUT_MS and exits by the signal', async () => {
    await startApp({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_TIMEOUT_MS: '300' });
    const { answer } = await heldDelete();
    const exited = once(child, 'exit');
    const cut = waitForLine(child, 'Cut requests still running after 300 ms', 10_000);

    child.kill('SIGINT');
    await expect(answer).rejects.toThrow('fetch failed');
    await cut;
    expect(await exited).toEqual([null, 'SIGINT']);
  }, 30_000);
});
