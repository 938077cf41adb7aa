import { randomUUID } from 'node:crypto';
import { dpopKey, dpopProof, KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from '../support/adapters.js';
import { RedisServer } from '../support/redis-server.js';
import {
  eventsOf,
  startReplicas,
  stopReplicas,
  within,
  type Replica,
} from '../support/replicas.js';
import { sample } from '../support/scrape.js';

/** The URL clients call: one load balancer in front of the replicas. */
const PUBLIC = 'https://api.example.test';
/** The cluster's failed-authentication limit in this suite. */
const LIMIT = 50;

/**
 * Three replicas of the built app share one real Redis (`npm run test:redis`; `.ci/run` installs
 * redis-server): a logout received by one is enforced by all within 1 s, the failed-
 * authentication limit counts for the cluster, a DPoP proof is accepted once, one introspection and one @Permission decision
 * serve all three, and Redis killed and restarted empty in the middle changes none of it (no
 * 5xx; the logouts made meanwhile are enforced everywhere once it is back).
 */
describe.each(ADAPTERS)('%s: three replicas sharing one Redis', (adapter) => {
  let keycloak: KeycloakStandIn;
  let redis: RedisServer;
  let replicas: Replica[];
  let env: Record<string, string>;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    // The API logs in as the least-privileged user docs/scaling.md recommends.
    redis = await RedisServer.start(API_USER);
    env = {
      KEYCLOAK_URL: keycloak.url,
      KEYCLOAK_REALM: keycloak.realm,
      KEYCLOAK_CLIENT_ID: keycloak.clientId,
      KEYCLOAK_CLIENT_SECRET: keycloak.clientSecret,
      REDIS_URL: redis.url,
      BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web',
      AUTH_FAILURE_LIMIT: String(LIMIT),
      // Behind one load balancer: a DPoP proof names its URL, whichever replica answers.
      PUBLIC_BASE_URL: PUBLIC,
    };
    replicas = await startReplicas(3, adapter, env);
  });

  afterAll(async () => {
    await stopReplicas(replicas ?? []);
    await redis?.stop();
    await keycloak?.stop();
  });

  // The earlier tests' 401s count toward the cluster's limit: each test starts a fresh window.
  beforeEach(() => redis.deleteKeys('nest-keycloak-auth:nest-api:failures:*'));

  const get = (replica: Replica, path: string, token: string) =>
    fetch(`${replica.base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const postLogout = (replica: Replica, logoutToken: string) =>
    fetch(`${replica.base}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
  /** Each replica's count of misses in one of its caches. */
  const missesOf = (cache: 'introspection' | 'authorization') =>
    Promise.all(
      replicas.map(async (replica) => {
        const text = await (await fetch(replica.metricsUrl)).text();
        return sample(text, `${cache}_cache_requests_total{result="miss"}`) ?? 0;
      }),
    );
  /** Whether every replica refuses the token as logged out. */
  const refusedEverywhere = async (token: string) => {
    const answers = await Promise.all(replicas.map((replica) => get(replica, '/me', token)));
    return answers.every((answer) => answer.status === 401);
  };

  it('a logout posted to one replica is enforced by the other two within 1 s', async () => {
    const sid = randomUUID();
    const token = await keycloak.tokenFor('bob', { sid });
    const other = await keycloak.tokenFor('bob', { sid: randomUUID() });
    for (const replica of replicas) expect((await get(replica, '/me', token)).status).toBe(200);

    expect((await postLogout(replicas[0], await keycloak.logoutToken({ sid }))).status).toBe(200);
    const ms = await within(1000, () => refusedEverywhere(token));
    expect(ms).toBeLessThanOrEqual(1000);
    const answer = await get(replicas[2], '/me', token);
    expect(await answer.json()).toMatchObject({ message: 'Token is no longer active' });
    // Another session of the same user is untouched, on every replica.
    for (const replica of replicas) expect((await get(replica, '/me', other)).status).toBe(200);
  });

  it('a replica started later takes in the logouts Redis holds before it serves', async () => {
    const sid = randomUUID();
    const token = await keycloak.tokenFor('bob', { sid });
    expect((await postLogout(replicas[2], await keycloak.logoutToken({ sid }))).status).toBe(200);
    const [late] = await startReplicas(1, adapter, env);
    try {
      const answer = await get(late, '/me', token);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ message: 'Token is no longer active' });
    } finally {
      await stopReplicas([late]);
    }
  });

  it('refuses a logout token replayed to another replica', async () => {
    const logout = await keycloak.logoutToken({ sid: randomUUID() });
    expect((await postLogout(replicas[0], logout)).status).toBe(200);
    const replay = await postLogout(replicas[1], logout);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a DPoP proof replayed to another replica', async () => {
    const key = await dpopKey();
    const token = await keycloak.tokenFor('bob', { dpopJkt: key.jkt });
    const proof = await dpopProof({ key, htm: 'GET', htu: `${PUBLIC}/me`, token });
    const send = (replica: Replica) =>
      fetch(`${replica.base}/me`, { headers: { Authorization: `DPoP ${token}`, DPoP: proof } });
    expect((await send(replicas[0])).status).toBe(200);
    const replay = await send(replicas[1]);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ message: 'The DPoP proof was already used' });
  });

  it('asks Keycloak once per token for the cluster: introspection and @Permission decisions', async () => {
    const admin = await keycloak.tokenFor('alice');
    keycloak.resetCounts();
    const decisions = keycloak.decisionRequests;
    for (const replica of replicas) {
      const remove = await fetch(`${replica.base}/items/999999`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${admin}` },
      });
      expect(remove.status).toBe(404);
      const create = await fetch(`${replica.base}/items`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `shared ${adapter}` }),
      });
      expect(create.status).toBe(201);
    }
    expect(keycloak.requests.introspect).toBe(1);
    expect(keycloak.decisionRequests - decisions).toBe(1);
  });

  it.each([
    ['introspection', 'introspect', 'DELETE', '/items/999999', 404],
    ['authorization', 'token', 'POST', '/items', 201],
  ] as const)(
    'asks Keycloak once for the %s the three replicas all miss while the first is still asking',
    async (cache, endpoint, method, path, status) => {
      const admin = await keycloak.tokenFor('alice');
      const before = await missesOf(cache);
      keycloak.resetCounts();
      const decisions = keycloak.decisionRequests;
      keycloak.setFault(endpoint, { delayMs: 60_000 });
      const held = keycloak.delayedRequest();
      const answers = Promise.all(
        replicas.map((replica) =>
          fetch(`${replica.base}${path}`, {
            method,
            headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
            body: method === 'POST' ? JSON.stringify({ name: `held ${adapter}` }) : undefined,
          }).then((answer) => answer.status),
        ),
      );
      await held;
      // Every replica has looked and missed while Keycloak still holds the first question.
      await within(5_000, async () =>
        (await missesOf(cache)).every((misses, i) => misses > before[i]),
      );
      keycloak.setFault(endpoint, undefined);
      keycloak.releaseDelayed();

      expect(await answers).toEqual([status, status, status]);
      if (cache === 'introspection') expect(keycloak.requests.introspect).toBe(1);
      else expect(keycloak.decisionRequests - decisions).toBe(1);
    },
  );

  it('counts failed authentications for the cluster: spread over three replicas, 429 from any', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const answer = await get(replicas[i % 3], '/me', 'not.a.token');
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429, 429, 429]);
    // A valid token still passes on every replica.
    const token = await keycloak.tokenFor('bob');
    for (const replica of replicas) expect((await get(replica, '/me', token)).status).toBe(200);
    // Every shared use has run by now, as the least-privileged user: none fell back.
    for (const replica of replicas) expect(eventsOf(replica, 'redis_fallback')).toEqual([]);
  });

  it('survives Redis killed and restarted empty: no 5xx, outage logouts enforced everywhere after', async () => {
    const before = await keycloak.tokenFor('bob', { sid: randomUUID() });
    const earlier = randomUUID();
    const earlierToken = await keycloak.tokenFor('dave', { sid: earlier });
    expect(
      (await postLogout(replicas[1], await keycloak.logoutToken({ sid: earlier }))).status,
    ).toBe(200);
    await within(1000, () => refusedEverywhere(earlierToken));

    await redis.kill();
    const during = randomUUID();
    const duringToken = await keycloak.tokenFor('bob', { sid: during });
    for (const replica of replicas) {
      expect((await get(replica, '/items', before)).status).toBe(200);
      expect((await get(replica, '/me', 'not.a.token')).status).toBe(401);
      const ready = await fetch(`${replica.base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ redis: 'down' });
    }
    // Received by replica 1 alone while Redis is away: enforced there at once.
    expect(
      (await postLogout(replicas[1], await keycloak.logoutToken({ sid: during }))).status,
    ).toBe(200);
    expect((await get(replicas[1], '/me', duringToken)).status).toBe(401);

    await redis.restart();
    // Reconnects back off up to 2 s; then each replica merges and writes back what it holds.
    await within(5000, () => refusedEverywhere(duringToken));
    await within(
      5000,
      async () => Number(/:(\d+)/.exec(await redis.command('ZCARD', revocationsKey))?.[1]) >= 2,
    );
    expect(await refusedEverywhere(earlierToken)).toBe(true);
    for (const replica of replicas) {
      expect((await get(replica, '/items', before)).status).toBe(200);
      const ready = await (await fetch(`${replica.base}/health/ready`)).json();
      expect(ready).toMatchObject({ redis: 'up' });
      expect(eventsOf(replica, 'redis_down')).toHaveLength(1);
      expect(eventsOf(replica, 'redis_restored')).toHaveLength(1);
      const scrape = await (await fetch(replica.metricsUrl)).text();
      expect(sample(scrape, 'redis_up')).toBe(1);
      expect(sample(scrape, 'redis_fallbacks_total{use="failure_limit"}')).toBeGreaterThan(0);
    }
    // No replica answered a 5xx at any time: its request histogram has no such series.
    for (const replica of replicas) {
      const scrape = await (await fetch(replica.metricsUrl)).text();
      expect(scrape).toContain('http_server_request_duration_seconds_count{');
      expect(scrape).not.toMatch(/status_code="5\d\d"/);
    }
  });
});

/** docs/scaling.md's ACL user: the API's keys and channel, and the commands it sends. */
const API_USER = {
  name: 'nest-api',
  password: 'replicas-redis-password',
  rules: [
    'resetkeys',
    '~nest-keycloak-auth:nest-api:*',
    'resetchannels',
    '&nest-keycloak-auth:nest-api:*',
    '-@all',
    ...'get set del eval evalsha incr pexpire pttl zadd zrangebyscore zremrangebyscore multi exec publish subscribe ping auth hello select'
      .split(' ')
      .map((command) => `+${command}`),
  ],
};

/** The keys the library uses (docs/scaling.md names them), as the stand-in's client id gives. */
const revocationsKey = 'nest-keycloak-auth:nest-api:revocations';
