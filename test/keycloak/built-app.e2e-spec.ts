import { spawn, type ChildProcess } from 'node:child_process';
import { ADAPTERS } from '../support/adapters.js';
import { once } from 'node:events';
import { freePort, started } from '../support/child-app.js';
import {
  API_CLIENT_SECRET,
  KEYCLOAK_URL,
  KeycloakAdmin,
  serviceAccountToken,
  userTokens,
} from './support/keycloak.js';

// The built app (`npm run test:keycloak` builds first), started as `npm run start:prod` starts
// it, against the real Keycloak: what the other specs prove in-process also holds for dist/.
const MAIN = 'dist/main.js';

describe.each(ADAPTERS)('the built app against the real Keycloak on %s', (adapter) => {
  let child: ChildProcess;
  let base: string;

  beforeAll(async () => {
    await KeycloakAdmin.connect();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        KEYCLOAK_URL,
        KEYCLOAK_REALM: 'demo',
        KEYCLOAK_CLIENT_ID: 'nest-api',
        KEYCLOAK_CLIENT_SECRET: API_CLIENT_SECRET,
        HTTP_ADAPTER: adapter,
        PGLITE_DATA_DIR: 'memory://',
        METRICS_PORT: '0', // the default (9464) may be a running stack's
        SHUTDOWN_DRAIN_MS: '0', // stopped by the test: no load balancer to tell
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await started(child);
  }, 30_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  const get = (path: string, token?: string) =>
    fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('is ready: the realm keys were loaded at start-up', async () => {
    const response = await get('/health/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it('answers by role: bob and the service account read items, carol gets 403, nobody 401', async () => {
    expect((await get('/items', (await userTokens('bob')).access_token)).status).toBe(200);
    expect((await get('/items', await serviceAccountToken())).status).toBe(200);
    expect((await get('/items', (await userTokens('carol')).access_token)).status).toBe(403);
    expect((await get('/items')).status).toBe(401);
  });

  it('lets alice create and delete (introspection with the client secret) and list users', async () => {
    const alice = (await userTokens('alice')).access_token;
    const auth = { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${base}/items`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'built' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const removed = await fetch(`${base}/items/${id}`, { method: 'DELETE', headers: auth });
    expect(removed.status).toBe(204);
    const users = await get('/admin/users?max=100', alice);
    expect(users.status).toBe(200);
    expect(((await users.json()) as Array<{ username: string }>).map((u) => u.username)).toEqual(
      expect.arrayContaining(['alice', 'bob', 'carol', 'dave']),
    );
  });
});
