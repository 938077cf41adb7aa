import type { INestApplication } from '@nestjs/common';
import {
  dpopKey,
  dpopProof,
  type DpopKey,
  type DpopProofOptions,
} from 'nest-keycloak-auth/testing';
import { ADAPTERS } from '../support/adapters.js';
import { newItem, startApp } from './support/api.js';
import {
  DEMO_USERS,
  DPOP_WEB_CLIENT_ID,
  KeycloakAdmin,
  claimsOf,
  dpopUserTokens,
  introspect,
  passwordGrant,
  tokenEndpoint,
  userTokens,
  type TokenSet,
} from './support/keycloak.js';

/** One answer of the app: status, `WWW-Authenticate` and the JSON body (if any). */
interface Answer {
  status: number;
  challenge: string | null;
  body: unknown;
}

const DPOP_ALGS = 'DPoP algs="ES256 RS256 PS256"';

/**
 * A 401 with `message`; the challenge offers both schemes and carries the error on the one it
 * concerns: DPoP's for a proof or a token sent as DPoP, Bearer's for a token sent as Bearer.
 */
function refusal(message: string, error: string, on: 'Bearer' | 'DPoP'): Answer {
  const attributes = `error="${error}", error_description="${message}"`;
  return {
    status: 401,
    challenge:
      on === 'DPoP'
        ? `Bearer realm="demo", ${DPOP_ALGS}, ${attributes}`
        : `Bearer realm="demo", ${attributes}, ${DPOP_ALGS}`,
    body: { statusCode: 401, message, error: 'Unauthorized' },
  };
}

/**
 * DPoP (RFC 9449) with tokens the real Keycloak issued: `nest-api-web-dpop` has
 * `dpop.bound.access.tokens`, so alice's password grant carries a proof for the token endpoint
 * and her tokens come back bound to that key (`token_type` DPoP, `cnf.jkt`). The app then
 * accepts them only as `Authorization: DPoP` with a fresh proof made for each request. The app
 * listens on a loopback port: a proof's `htu` names the URL the request is sent to.
 */
describe.each(ADAPTERS)('DPoP with Keycloak-bound tokens (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  let admin: KeycloakAdmin;
  let base: string;
  let key: DpopKey;
  let tokens: TokenSet;

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    // No reuse of `active: true` answers: the revocation test below sees Keycloak's own.
    app = await startApp(adapter, { INTROSPECTION_CACHE_TTL_SECONDS: '0' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    key = await dpopKey();
    tokens = await dpopUserTokens('alice', key);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A request to the app with `Authorization: <scheme> <token>` and, when given, a proof. */
  async function send(
    path: string,
    options: { method?: string; scheme?: string; token?: string; proof?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      Authorization: `${options.scheme ?? 'DPoP'} ${options.token ?? tokens.access_token}`,
    };
    if (options.proof !== undefined) headers.DPoP = options.proof;
    const response = await fetch(`${base}${path}`, { method: options.method ?? 'GET', headers });
    const text = await response.text();
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      body: text ? JSON.parse(text) : undefined,
    };
  }

  /** A proof for `method path` with alice's token; `change` breaks one part of it. */
  function proofFor(path: string, method = 'GET', change: Partial<DpopProofOptions> = {}) {
    return dpopProof({
      key,
      htm: method,
      htu: `${base}${path}`,
      token: tokens.access_token,
      ...change,
    });
  }

  function expectProofRefused(answer: Answer, message: string): void {
    expect(answer).toEqual(refusal(message, 'invalid_dpop_proof', 'DPoP'));
  }

  it('Keycloak binds the tokens to the proof key, and refuses a token request without a proof', async () => {
    expect(tokens.token_type).toBe('DPoP');
    expect(claimsOf(tokens.access_token)).toMatchObject({
      typ: 'DPoP',
      azp: DPOP_WEB_CLIENT_ID,
      aud: expect.arrayContaining(['nest-api']),
      cnf: { jkt: key.jkt },
    });
    await expect(
      passwordGrant('alice', DEMO_USERS.alice.password, { clientId: DPOP_WEB_CLIENT_ID }),
    ).rejects.toThrow(
      '400: {"error":"invalid_request","error_description":"DPoP proof is missing"}',
    );
  });

  it('GET /items: 200 with a fresh proof for each request (the second from the token cache)', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await send('/items', { proof: await proofFor('/items') });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(expect.any(Array));
    }
  });

  it.each<[string, () => Promise<string>, string]>([
    [
      'another method (POST)',
      () => proofFor('/items', 'POST'),
      'The DPoP proof htm does not match the request method',
    ],
    [
      'another URL (/me)',
      () => proofFor('/me'),
      'The DPoP proof htu does not match the request URL',
    ],
    [
      "Keycloak's token endpoint (the token request's own kind of proof)",
      () => dpopProof({ key, htm: 'GET', htu: tokenEndpoint(), token: tokens.access_token }),
      'The DPoP proof htu does not match the request URL',
    ],
  ])('GET /items: 401 with a proof made for %s', async (_case, proof, message) => {
    expectProofRefused(await send('/items', { proof: await proof() }), message);
  });

  it('GET /items: 401 with a proof signed by another key than the bound one', async () => {
    const other = await dpopKey();
    const proof = await dpopProof({
      key: other,
      htm: 'GET',
      htu: `${base}/items`,
      token: tokens.access_token,
    });
    expectProofRefused(
      await send('/items', { proof }),
      'The DPoP proof key is not the one the token is bound to',
    );
  });

  it('GET /items: 401 when the same proof is sent twice', async () => {
    const proof = await proofFor('/items');
    expect((await send('/items', { proof })).status).toBe(200);
    expectProofRefused(await send('/items', { proof }), 'The DPoP proof was already used');
  });

  it('GET /items: 401 without a proof', async () => {
    expectProofRefused(await send('/items'), 'Exactly one DPoP proof is required');
  });

  it('GET /items: 401 when the bound token is sent as Bearer, with or without a proof', async () => {
    const message = 'A DPoP-bound token must be sent with the DPoP scheme';
    for (const proof of [undefined, await proofFor('/items')]) {
      const answer = await send('/items', { scheme: 'Bearer', proof });
      expect(answer).toEqual(refusal(message, 'invalid_token', 'Bearer'));
    }
  });

  it('POST /items (@Permission): 403 without asking Keycloak, whose decision endpoint refuses bound tokens', async () => {
    const answer = await send('/items', {
      method: 'POST',
      proof: await proofFor('/items', 'POST'),
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      message:
        "Keycloak's permission decisions do not accept DPoP-bound tokens: use a Bearer token here",
    });
    // What the app would have asked (the UMA decision, the token as Bearer), asked directly.
    const decision = await fetch(tokenEndpoint(), {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.access_token}` },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket',
        audience: 'nest-api',
        permission: 'items#create',
        response_mode: 'decision',
      }),
    });
    expect({ status: decision.status, body: await decision.json() }).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid bearer token' },
    });
  });

  it("Keycloak's introspection names the key (cnf.jkt) and the DPoP token type", async () => {
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      token_type: 'DPoP',
      typ: 'DPoP',
      client_id: DPOP_WEB_CLIENT_ID,
      cnf: { jkt: key.jkt },
    });
  });

  it('DELETE /items/:id (@RequireActiveToken): 204 with a fresh proof, then 404, then 401 once the session ends', async () => {
    // POST /items is @Permission: a Bearer token of nest-api-web creates the items.
    const bearer = (await userTokens('alice')).access_token;
    const id = await newItem(app, bearer);
    const remove = async (itemId: number) =>
      send(`/items/${itemId}`, {
        method: 'DELETE',
        proof: await proofFor(`/items/${itemId}`, 'DELETE'),
      });

    expect((await remove(id)).status).toBe(204);
    expect((await remove(id)).status).toBe(404);

    // Keycloak 26.7.3's logout endpoint refuses this session's bound refresh token ("DPoP proof
    // is missing", even with a proof for it): the session is ended through the Admin API.
    const sid = claimsOf(tokens.access_token).sid as string;
    await admin.call('DELETE', `/demo/sessions/${encodeURIComponent(sid)}`);
    expect(await introspect(tokens.access_token)).toMatchObject({ active: false });
    expect(await remove(await newItem(app, bearer))).toEqual(
      refusal('Token is no longer active', 'invalid_token', 'DPoP'),
    );
    // Checked locally, the same token and a fresh proof still pass until the token expires.
    expect((await send('/items', { proof: await proofFor('/items') })).status).toBe(200);
  });
});
