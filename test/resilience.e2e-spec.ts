import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { burst, retainedHeapBytes } from './support/burst.js';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  tamperPayload,
  KeycloakStandIn,
} from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

const CONCURRENCY = 50;
/** Generous: the machines are shared; these tests assert outcomes, never speed. */
const BURST_TIMEOUT_MS = 60_000;

/** Bounded bursts over real loopback sockets (a few seconds each), as issue 4 asks. */
describe.each(ADAPTERS)('%s: resilience under load (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication | undefined;
  let baseUrl: string;

  async function startApp(env: Record<string, string> = {}): Promise<void> {
    app = await createTestApp(keycloak, { adapter, env });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  }

  async function status(path: string, token: string): Promise<number> {
    const response = await fetch(baseUrl + path, { headers: { Authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.status;
  }

  beforeEach(async () => {
    keycloak = await KeycloakStandIn.start({ serviceAccountRoles: ['api-read'] });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await keycloak.stop();
  });

  it.each([
    ['on', '10000'],
    ['off', '0'],
  ])(
    'with the token cache %s, 2,000 requests with 100 distinct tokens all pass while Keycloak is down',
    async (_label, TOKEN_CACHE_MAX_ENTRIES) => {
      await startApp({ TOKEN_CACHE_MAX_ENTRIES });
      const tokens = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          keycloak.tokenFor('bob', { extra: { jti: `t${i}` } }),
        ),
      );
      expect(await status('/items', tokens[0])).toBe(200);
      await keycloak.stop();

      const statuses = await burst(2000, CONCURRENCY, (i) => status('/items', tokens[i % 100]));
      expect(statuses).toEqual({ 200: 2000 });
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'answers 1,000 tokens with random kids with 401, at the cost of at most one JWKS fetch',
    async () => {
      await startApp();
      const tokens = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          keycloak.tokenFor('bob', { kid: `random-${i}-${Math.random().toString(36).slice(2)}` }),
        ),
      );
      keycloak.resetCounts();

      const statuses = await burst(tokens.length, CONCURRENCY, (i) => status('/items', tokens[i]));
      expect(statuses).toEqual({ 401: 1000 });
      expect(keycloak.requests.jwks).toBeLessThanOrEqual(1);
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'answers 2,000 malformed and forged tokens with 401, never 5xx, without keeping them',
    async () => {
      await startApp();
      const valid = await keycloak.tokenFor('bob');
      const [header, payload] = valid.split('.');
      const claims = keycloak.accessClaims({ username: 'bob' });
      const encode = (text: string) => Buffer.from(text).toString('base64url');
      const forgedWithForeignKey = await forgeWithForeignKey(keycloak, claims);
      const hs256 = await forgeHs256WithPublicKey(keycloak, claims);
      const kinds: Array<(i: number) => string> = [
        (i) => `garbage-${i}-${Math.random().toString(36)}`,
        (i) => valid.slice(0, 40 + (i % (valid.length - 41))),
        (i) => tamperPayload(valid, { jti: `tampered-${i}` }),
        (i) => tamperPayload(valid, { jti: `huge-${i}`, padding: 'x'.repeat(6000) }),
        (i) => `${header}.${encode(`not json ${i}`)}.${valid.split('.')[2]}`,
        (i) => `${encode(`{"alg":"RS256",${i}`)}.${payload}.c2ln`,
        (i) => forgeAlgNone({ ...claims, jti: `none-${i}` }),
        (i) => (i % 2 ? hs256 : forgedWithForeignKey),
        (i) => `${header}.${payload}.${encode(`sig-${i}`)}.extra`,
        (i) => `..${i}`,
      ];
      const forged = (offset: number) =>
        Array.from({ length: 2000 }, (_, i) => kinds[i % kinds.length](offset + i));
      const refuse = async (tokens: string[]) =>
        burst(tokens.length, CONCURRENCY, (i) => status('/items', tokens[i]));
      expect(await status('/items', valid)).toBe(200);

      expect(await refuse(forged(0))).toEqual({ 401: 2000 });
      // A second burst of new tokens must not grow what the process retains: keeping the
      // tokens (~1.7 KB each on average) or any per-token state would add over 3 MB here; noise is about 0.5 MB.
      const second = forged(10_000);
      const heapBefore = retainedHeapBytes();
      expect(await refuse(second)).toEqual({ 401: 2000 });
      expect(retainedHeapBytes() - heapBefore).toBeLessThan(2 * 1024 * 1024);
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'fetches one service-account token for 50 concurrent GET /admin/users',
    async () => {
      await startApp();
      const alice = await keycloak.tokenFor('alice');
      keycloak.resetCounts();

      const statuses = await burst(50, CONCURRENCY, () => status('/admin/users', alice));

      expect(statuses).toEqual({ 200: 50 });
      expect(keycloak.requests.token).toBe(1);
      expect(keycloak.requests.adminUsers).toBe(50);
    },
    BURST_TIMEOUT_MS,
  );
});
