import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { freePort, started } from './support/child-app.js';
import { ADAPTERS } from './support/adapters.js';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';

// These tests run the built app (`npm test` builds first), as `npm run start:prod` does.
const MAIN = 'dist/main.js';
// Items in memory: several apps may run at once, and none may touch the developer's .data/.
// Text logs: these tests read the lines a person sees (JSON: test/production-logs.e2e-spec.ts).
const BASE_ENV = {
  PATH: process.env.PATH,
  NODE_ENV: 'test',
  PGLITE_DATA_DIR: 'memory://',
  // Off: apps run side by side here and in other files; test/metrics.e2e-spec.ts covers it.
  METRICS_PORT: '0',
  SHUTDOWN_DRAIN_MS: '0',
  LOG_FORMAT: 'text',
};

/**
 * Runs the built app with `env` and asserts it stopped before listening: exit code 1 and one
 * line on stderr naming `variable`. Returns the run, for further checks.
 */
function expectRefusal(variable: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8', timeout: 20_000 });
  // A signal here means the child was killed (e.g. the timeout), not that it refused the value.
  expect({ status: result.status, signal: result.signal }).toEqual({ status: 1, signal: null });
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  return result;
}

describe('start-up of the built app', () => {
  it.each([
    ['KEYCLOAK_URL', 'ftp://keycloak.example'],
    ['KEYCLOAK_URL', 'not a url'],
    ['JWT_ALGORITHMS', 'HS256'],
    ['JWT_ALGORITHMS', 'RS256,none'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', 'thirty'],
    ['PORT', '70000'],
    ['CORS_ORIGINS', 'http://localhost:3000/app'],
    ['HTTP_ADAPTER', 'koa'],
    ['HTTP_ADAPTER', 'Fastify'],
  ])(
    'stops before listening when %s=%p, naming the variable, exit code 1',
    (name, value) => {
      const result = expectRefusal(name, {
        ...BASE_ENV,
        [name]: value,
        KEYCLOAK_CLIENT_SECRET: 'do-not-print-me',
      });
      expect(result.stderr + result.stdout).not.toContain('do-not-print-me');
      expect(result.stdout).not.toContain('successfully started');
    },
    20_000,
  );

  describe('with NODE_ENV=production', () => {
    const PRODUCTION = {
      ...BASE_ENV,
      NODE_ENV: 'production',
      KEYCLOAK_CLIENT_SECRET: 'a-real-one',
    };

    it.each([
      ['KEYCLOAK_URL', { KEYCLOAK_URL: 'http://keycloak.internal:8080' }],
      ['KEYCLOAK_CLIENT_SECRET', { KEYCLOAK_CLIENT_SECRET: 'nest-api-dev-secret' }],
    ])('refuses to start with %s, in one line naming it, exit code 1', (name, env) => {
      const result = expectRefusal(name, {
        ...PRODUCTION,
        KEYCLOAK_URL: 'https://sso.example.com',
        ...env,
      });
      expect(result.stderr).not.toContain('nest-api-dev-secret');
    });

    it('starts with an http:// KEYCLOAK_URL when KEYCLOAK_ALLOW_HTTP=true says it is deliberate', async () => {
      const port = await freePort();
      const unreachable = `http://127.0.0.1:${await freePort()}`;
      const app = spawn(process.execPath, [MAIN], {
        env: {
          ...PRODUCTION,
          PORT: String(port),
          KEYCLOAK_URL: unreachable,
          KEYCLOAK_ALLOW_HTTP: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        await started(app);
        expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      } finally {
        app.kill('SIGTERM');
        if (app.exitCode === null) await once(app, 'exit');
      }
    }, 30_000);
  });

  describe.each(ADAPTERS)('on %s', (HTTP_ADAPTER) => {
    describe('with Keycloak unreachable', () => {
      let app: ChildProcess;
      let base: string;
      let token: string;

      beforeAll(async () => {
        const keycloak = await KeycloakStandIn.start();
        token = await keycloak.tokenFor('bob');
        await keycloak.stop(); // its port is now closed: connections are refused
        const port = await freePort();
        base = `http://127.0.0.1:${port}`;
        app = spawn(process.execPath, [MAIN], {
          env: { ...BASE_ENV, HTTP_ADAPTER, PORT: String(port), KEYCLOAK_URL: keycloak.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        await started(app);
      }, 30_000);

      afterAll(async () => {
        if (app.exitCode === null) {
          app.kill('SIGTERM');
          await once(app, 'exit');
        }
      });

      it('serves /health', async () => {
        const response = await fetch(`${base}/health`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      });

      it('answers a request without a token with 401', async () => {
        expect((await fetch(`${base}/items`)).status).toBe(401);
      });

      it('answers a token whose key cannot be fetched with 503, never 500', async () => {
        const response = await fetch(`${base}/items`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await response.json()).toEqual({
          statusCode: 503,
          message: 'Token verification unavailable',
          error: 'Service Unavailable',
        });
      });
    });

    it('logs at ERROR while starting when Keycloak refuses the client secret, then starts', async () => {
      const keycloak = await KeycloakStandIn.start();
      const child = spawn(process.execPath, [MAIN], {
        env: {
          ...BASE_ENV,
          HTTP_ADAPTER,
          PORT: String(await freePort()),
          KEYCLOAK_URL: keycloak.url,
          KEYCLOAK_CLIENT_SECRET: 'wrong-secret',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const collect = (chunk: Buffer) => (output += chunk.toString());
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      try {
        await started(child);
        const refusal = output.indexOf('Keycloak refused the client credentials of nest-api');
        expect(refusal).toBeGreaterThan(-1);
        expect(output).toContain('KEYCLOAK_CLIENT_SECRET) (start-up check)');
        expect(refusal).toBeLessThan(output.indexOf('API listening'));
        expect(output).not.toContain('wrong-secret');
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
        await keycloak.stop();
      }
    }, 30_000);

    it('stops with one line and exit code 1 when its port is already taken', async () => {
      const keycloak = await KeycloakStandIn.start();
      const holder = createServer().listen(0); // all interfaces, like the app
      await once(holder, 'listening');
      const { port } = holder.address() as { port: number };
      try {
        const child = spawn(process.execPath, [MAIN], {
          env: { ...BASE_ENV, HTTP_ADAPTER, PORT: String(port), KEYCLOAK_URL: keycloak.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const [code] = (await once(child, 'exit')) as [number | null];
        expect(code).toBe(1);
        // One story: the line a person acts on, and no "successfully started" before it.
        expect(stderr.trim()).toBe(`Cannot listen: port ${port} is already in use (set PORT)`);
        expect(stdout).not.toMatch(/successfully started|API listening/);
      } finally {
        holder.close();
        await keycloak.stop();
      }
    }, 30_000);
  });
});
