import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
} from 'jose';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  KeycloakStandIn,
  tamperPayload,
} from './index.js';
import { demoUsers } from './demo-users.js';

describe('KeycloakStandIn', () => {
  let kc: KeycloakStandIn;
  const oidc = () => `${kc.issuer}/protocol/openid-connect`;
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const clientToken = async (): Promise<string> => {
    const fields = { grant_type: 'client_credentials', client_id: kc.clientId };
    const res = await fetch(`${oidc()}/token`, form({ ...fields, client_secret: kc.clientSecret }));
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const introspect = async (token: string) => {
    const res = await fetch(
      `${oidc()}/token/introspect`,
      form({ token }, { authorization: basic(kc.clientId, kc.clientSecret) }),
    );
    return (await res.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    kc = await KeycloakStandIn.start();
  });
  afterAll(() => kc.stop());
  beforeEach(() => kc.reset());

  it('serves Keycloak-like discovery metadata', async () => {
    const res = await fetch(`${kc.issuer}/.well-known/openid-configuration`);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(kc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc).toMatchObject({
      issuer: `${kc.url}/realms/demo`,
      jwks_uri: `${oidc()}/certs`,
      token_endpoint: `${oidc()}/token`,
      introspection_endpoint: `${oidc()}/token/introspect`,
      authorization_endpoint: `${oidc()}/auth`,
    });
    expect(kc.requests.discovery).toBe(1);
  });

  it('mints Keycloak-shaped tokens that verify against the published JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(`${oidc()}/certs`));
    const token = await kc.tokenFor('alice');
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: kc.issuer });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: kc.currentKid });
    expect(payload).toMatchObject({
      aud: ['nest-api', 'account'],
      typ: 'Bearer',
      azp: 'nest-api-web',
      preferred_username: 'alice',
      email: 'alice@example.com',
      scope: 'openid profile email',
      resource_access: { 'nest-api': { roles: ['api-admin'] } },
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(decodeJwt(await kc.tokenFor('bob')).resource_access).toHaveProperty('nest-api.roles', [
      'api-read',
    ]);
    expect(decodeJwt(await kc.tokenFor('carol')).resource_access).not.toHaveProperty('nest-api');
    expect(decodeJwt(await kc.tokenFor('dave'))).toMatchObject({
      sub: '803d3f1b-4c5e-4f6a-9b7c-d4e5f6a7b8c9',
      preferred_username: 'dave',
      email: 'dave@example.com',
      resource_access: { 'nest-api': { roles: ['api-read', 'api-write'] } },
    });
    expect(kc.requests.jwks).toBe(1);
  });

  it('honours mint overrides and builds ID and refresh tokens', async () => {
    const token = await kc.mintAccessToken({ username: 'erin', omit: ['exp'], kid: 'nope' });
    expect(decodeProtectedHeader(token).kid).toBe('nope');
    expect(decodeJwt(token)).not.toHaveProperty('exp');
    expect(decodeJwt(token).preferred_username).toBe('erin');
    const id = decodeJwt(await kc.mintIdToken({ azp: 'spa' }));
    expect(id).toMatchObject({ typ: 'ID', aud: 'spa', azp: 'spa' });
    expect(decodeJwt(await kc.mintRefreshToken()).typ).toBe('Refresh');
  });

  it.each([
    ['alice', 'openid organization:*', ['acme']],
    ['alice', 'openid organization', ['acme']],
    ['alice', 'openid organization:acme', ['acme']],
    ['bob', 'openid organization:acme', undefined],
    ['carol', 'openid organization:*', undefined],
    ['alice', 'openid profile', undefined],
  ])(
    "puts organization claims in %s's token for scope %p as Keycloak 26 does",
    (user, scope, claim) => {
      expect(kc.accessClaims({ username: user, scope }).organization).toEqual(claim);
    },
  );

  it('gives no claim for plain organization once a user is in two (Keycloak 26)', async () => {
    const twoOrgs = await KeycloakStandIn.start({
      users: [{ ...demoUsers()[0], organizations: ['acme', 'globex'] }],
    });
    try {
      expect(twoOrgs.accessClaims({ scope: 'openid organization' }).organization).toBeUndefined();
      expect(twoOrgs.accessClaims({ scope: 'organization:*' }).organization).toEqual([
        'acme',
        'globex',
      ]);
    } finally {
      await twoOrgs.stop();
    }
  });

  it('rotates and removes signing keys', async () => {
    const first = kc.currentKid;
    const second = await kc.rotateKey();
    const certs = async () =>
      ((await (await fetch(`${oidc()}/certs`)).json()) as { keys: [] }).keys;
    expect(await certs()).toEqual([
      expect.objectContaining({ kid: first, kty: 'RSA', alg: 'RS256', use: 'sig' }),
      expect.objectContaining({ kid: second, n: expect.any(String), e: 'AQAB' }),
    ]);
    expect(decodeProtectedHeader(await kc.mintAccessToken()).kid).toBe(second);
    kc.removeKey(first);
    expect(await certs()).toHaveLength(1);
  });

  it('issues client_credentials tokens only to the right client', async () => {
    const token = decodeJwt(await clientToken());
    expect(token).toMatchObject({
      azp: 'nest-api',
      preferred_username: 'service-account-nest-api',
      resource_access: { 'realm-management': { roles: ['view-users'] } },
    });
    const good = { grant_type: 'client_credentials' };
    const viaBasic = await fetch(
      `${oidc()}/token`,
      form(good, { authorization: basic('nest-api', 'test-secret') }),
    );
    expect(await viaBasic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    const bad = await fetch(
      `${oidc()}/token`,
      form({ ...good, client_id: 'nest-api', client_secret: 'x' }),
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    expect(kc.requests.token).toBe(3);
  });

  it('introspects active, revoked, expired and forged tokens', async () => {
    const token = await kc.tokenFor('bob');
    expect(await introspect(token)).toMatchObject({ active: true, preferred_username: 'bob' });
    kc.revoke(token);
    expect(await introspect(token)).toEqual({ active: false });
    const expired = await kc.tokenFor('bob', { exp: Math.floor(Date.now() / 1000) - 10 });
    expect(await introspect(expired)).toEqual({ active: false });
    const claims = kc.accessClaims();
    const forged = [
      forgeAlgNone(claims),
      await forgeHs256WithPublicKey(kc, claims),
      await forgeWithForeignKey(kc, claims),
      tamperPayload(await kc.tokenFor('carol'), {
        resource_access: { 'nest-api': { roles: ['api-admin'] } },
      }),
    ];
    for (const bad of forged) expect(await introspect(bad)).toEqual({ active: false });
    const noClient = await fetch(`${oidc()}/token/introspect`, form({ token }));
    expect(noClient.status).toBe(401);
  });

  it('lists admin users with paging and requires a service-account token', async () => {
    const users = `${kc.url}/admin/realms/demo/users`;
    expect((await fetch(users)).status).toBe(401);
    const asAlice = { headers: { authorization: `Bearer ${await kc.tokenFor('alice')}` } };
    expect((await fetch(users, asAlice)).status).toBe(403);
    const auth = { headers: { authorization: `Bearer ${await clientToken()}` } };
    const page = (await (await fetch(`${users}?first=1&max=1`, auth)).json()) as object[];
    expect(page).toEqual([
      expect.objectContaining({ username: 'bob', email: 'bob@example.com', enabled: true }),
    ]);
    const all = (await (await fetch(users, auth)).json()) as Array<{ username: string }>;
    expect(all.map((user) => user.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(kc.requests.adminUsers).toBe(4);
  });

  it('injects faults: status, raw body, persistent, and delays that stop() cuts short', async () => {
    kc.failNext('token', { status: 500 });
    const failed = await fetch(`${oidc()}/token`, form({ grant_type: 'client_credentials' }));
    expect(failed.status).toBe(500);
    kc.setFault('jwks', { body: 'not json' });
    expect(await (await fetch(`${oidc()}/certs`)).text()).toBe('not json');
    expect(await (await fetch(`${oidc()}/certs`)).text()).toBe('not json');
    kc.setFault('jwks', undefined);
    expect((await fetch(`${oidc()}/certs`)).status).toBe(200);

    // A 60 s delay in a test with jest's 5 s timeout: only stop() cutting it short passes.
    kc.failNext('introspect', { delayMs: 60_000 });
    const held = kc.delayedRequest();
    const hanging = introspect(await kc.tokenFor('alice')).catch((error: unknown) => error);
    await held;
    await kc.stop();
    try {
      expect(await hanging).toMatchObject({ message: 'fetch failed' }); // other side closed
    } finally {
      await kc.restart();
    }
  });

  it('releaseDelayed() answers a held request now, as its delay running out would', async () => {
    // A 60 s delay in a test with jest's 5 s timeout: only the release lets it pass.
    kc.failNext('introspect', { delayMs: 60_000 });
    const held = kc.delayedRequest();
    const answer = introspect(await kc.tokenFor('alice'));
    await held;
    kc.releaseDelayed();
    expect(await answer).toMatchObject({ active: true });
  });

  it('stop() refuses connections and restart() serves again on the same port', async () => {
    const discovery = `${kc.issuer}/.well-known/openid-configuration`;
    const port = kc.port;
    expect((await fetch(discovery)).status).toBe(200);
    const token = await kc.tokenFor('alice');
    await kc.stop();
    const error = (await fetch(discovery).catch((e: unknown) => e)) as {
      cause?: { code?: string };
    };
    await kc.restart();
    expect(error.cause?.code).toBe('ECONNREFUSED');
    expect(kc.port).toBe(port);
    expect((await fetch(discovery)).status).toBe(200);
    expect(await introspect(token)).toMatchObject({ active: true });
    const keys = createLocalJWKSet(kc.jwks());
    await expect(jwtVerify(token, keys)).resolves.toBeDefined();
  });

  it('answers unknown paths, realms and methods like Keycloak', async () => {
    expect((await fetch(`${kc.url}/nope`)).status).toBe(404);
    const otherRealm = await fetch(`${kc.url}/realms/other/protocol/openid-connect/certs`);
    expect(await otherRealm.json()).toEqual({ error: 'Realm does not exist' });
    expect((await fetch(`${oidc()}/token`)).status).toBe(405);
  });
});

describe('KeycloakStandIn with ES256', () => {
  it('publishes EC keys', async () => {
    const kc = await KeycloakStandIn.start({ alg: 'ES256', realm: 'other' });
    try {
      const [jwk] = kc.jwks().keys;
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(jwk.x).toEqual(expect.any(String));
      const { payload } = await jwtVerify(await kc.tokenFor('bob'), createLocalJWKSet(kc.jwks()));
      expect(payload.iss).toBe(`${kc.url}/realms/other`);
    } finally {
      await kc.stop();
    }
  });

  describe('a second realm', () => {
    let multi: KeycloakStandIn;
    beforeAll(async () => {
      multi = await KeycloakStandIn.start({ realms: ['partners'] });
    });
    afterAll(() => multi.stop());

    it('serves it on the same port with its own key, users and counters', async () => {
      const partners = multi.realmNamed('partners');
      expect(partners.url).toBe(multi.url);
      expect(partners.issuer).toBe(`${multi.url}/realms/partners`);
      expect(partners.currentKid).not.toBe(multi.currentKid);
      const token = await partners.mintAccessToken({ username: 'paula' });
      const jwks = createRemoteJWKSet(new URL(`${partners.issuer}/protocol/openid-connect/certs`));
      const { payload } = await jwtVerify(token, jwks, { issuer: partners.issuer });
      expect(payload).toMatchObject({ preferred_username: 'paula', sub: expect.any(String) });
      expect(payload.resource_access).toEqual(
        expect.objectContaining({ 'nest-api': { roles: ['api-read'] } }),
      );
      expect([partners.requests.jwks, multi.requests.jwks]).toEqual([1, 0]);
      // Each realm's key set is its own: the demo realm's does not verify a partners token.
      const demoKeys = createLocalJWKSet(multi.jwks());
      await expect(jwtVerify(token, demoKeys)).rejects.toThrow();
    });

    it('counts a request for a realm it does not serve nowhere', async () => {
      multi.resetCounts();
      multi.realmNamed('partners').resetCounts();
      const res = await fetch(`${multi.url}/realms/others/protocol/openid-connect/certs`);
      expect(res.status).toBe(404);
      expect(multi.realmNamed('partners').requests.jwks + multi.requests.jwks).toBe(0);
      expect(() => multi.realmNamed('others')).toThrow('serves no realm others');
    });
  });
});
