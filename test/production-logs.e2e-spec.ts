import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { KeycloakStandIn, tamperPayload } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort, started } from './support/child-app.js';

// The built app (`npm test` builds first), as the Docker image runs it: NODE_ENV=production.
const MAIN = 'dist/main.js';
const SECRET = 'production-client-secret-42';
const PRODUCTION = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  PGLITE_DATA_DIR: 'memory://',
  // Off: apps run side by side; the default port (9464) would clash.
  METRICS_PORT: '0',
  SHUTDOWN_DRAIN_MS: '0',
  KEYCLOAK_CLIENT_SECRET: SECRET,
  // The stand-in speaks plain HTTP on loopback.
  KEYCLOAK_ALLOW_HTTP: 'true',
};

/** The lines of `output` that are not one JSON object each (none, when all is well). */
function notJson(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .filter((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value !== 'object' || value === null || Array.isArray(value);
      } catch {
        return true;
      }
    });
}

const records = (output: string) =>
  output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('logs of the built app with NODE_ENV=production', () => {
  describe.each(ADAPTERS)('on %s', (HTTP_ADAPTER) => {
    it('writes only JSON lines, from start-up to shutdown, with the request id and no secret', async () => {
      const keycloak = await KeycloakStandIn.start({ clientSecret: SECRET });
      const port = await freePort();
      const child = spawn(process.execPath, [MAIN], {
        env: { ...PRODUCTION, HTTP_ADAPTER, PORT: String(port), KEYCLOAK_URL: keycloak.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = once(child, 'close');
      const token = tamperPayload(await keycloak.tokenFor('bob'), { sub: 'mallory' });
      try {
        await started(child, 45_000); // generous: the machines are shared
        const response = await fetch(`http://127.0.0.1:${port}/items`, {
          headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'prod-request-1' },
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('x-request-id')).toBe('prod-request-1');
      } finally {
        child.kill('SIGTERM');
        await closed; // every line written has arrived
        await keycloak.stop();
      }
      expect({ stdout: notJson(stdout), stderr: notJson(stderr) }).toEqual({
        stdout: [],
        stderr: [],
      });
      const lines = [...records(stdout), ...records(stderr)];
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ context: 'NestFactory', message: expect.any(String) }),
          expect.objectContaining({
            context: 'Bootstrap',
            message: `API listening on port ${port}`,
          }),
          expect.objectContaining({
            event: 'auth_refused',
            status: 401,
            requestId: 'prod-request-1',
            level: 'warn',
          }),
        ]),
      );
      for (const hidden of [SECRET, ...token.split('.')]) {
        expect(stdout + stderr).not.toContain(hidden);
      }
    }, 60_000);
  });

  it("writes a bad environment's error as one JSON line on stderr, exit code 1", () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...PRODUCTION, PORT: '70000' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ status: result.status, signal: result.signal }).toEqual({ status: 1, signal: null });
    expect(result.stdout).toBe('');
    expect(notJson(result.stderr)).toEqual([]);
    const [line, ...rest] = records(result.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'error', context: 'Bootstrap', pid: expect.any(Number) });
    expect(line.message).toMatch(/^Invalid configuration: PORT /);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('writes "port already in use" as one JSON line on stderr, exit code 1', async () => {
    const holder = createServer().listen(0);
    await once(holder, 'listening');
    const { port } = holder.address() as { port: number };
    try {
      const child = spawn(process.execPath, [MAIN], {
        env: { ...PRODUCTION, PORT: String(port), KEYCLOAK_URL: 'http://127.0.0.1:9' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(code).toBe(1);
      expect(notJson(output)).toEqual([]);
      expect(records(output)).toEqual([
        expect.objectContaining({
          level: 'error',
          message: `Cannot listen: port ${port} is already in use (set PORT)`,
        }),
      ]);
    } finally {
      holder.close();
    }
  }, 30_000);

  it('writes text instead when LOG_FORMAT=text says so', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...PRODUCTION, PORT: '70000', LOG_FORMAT: 'text' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid configuration: PORT [^\n]+\n$/);
  });
});
