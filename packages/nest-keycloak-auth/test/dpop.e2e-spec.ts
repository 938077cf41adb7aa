import type { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AuthModuleOptions } from '../src/index.js';
import {
  dpopKey,
  dpopProof,
  KeycloakStandIn,
  privateJwkOf,
  standInAuthOptions,
  type DpopKey,
  type DpopProofOptions,
} from '../src/testing/index.js';
import { ADAPTERS, FixtureApps } from './fixtures/fixture-app.js';

/** One answer: status, `WWW-Authenticate` and the body. */
interface Answer {
  status: number;
  challenge: string | undefined;
  body: { message?: string } & Record<string, unknown>;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * DPoP (RFC 9449) on both platforms: a bound token with a fresh proof passes; each check of
 * §4.3 refuses its own failure with 401 `invalid_dpop_proof`; the token's binding and scheme are
 * enforced in every mode; `@RequireDpop()` holds on its route.
 */
describe.each(ADAPTERS)('DPoP on %s', (adapter) => {
  let keycloak: KeycloakStandIn;
  let key: DpopKey;
  let token: string;
  const apps = new FixtureApps();
  let base: string;

  async function listening(auth: Partial<AuthModuleOptions> = {}): Promise<string> {
    const app: INestApplication = await apps.start({
      adapter,
      auth: { ...standInAuthOptions(keycloak), ...auth },
    });
    await app.listen(0, '127.0.0.1');
    return (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    key = await dpopKey();
    token = await keycloak.tokenFor('alice', { dpopJkt: key.jkt });
    base = await listening();
  });

  afterAll(async () => {
    await apps.closeAll();
    await keycloak.stop();
  });

  /** Sends headers exactly as given (an array value: one line per item). */
  async function send(
    url: string,
    headers: Record<string, string | string[]>,
    method = 'GET',
  ): Promise<Answer> {
    const { hostname, port, pathname, search } = new URL(url);
    const req = httpRequest({ host: hostname, port, path: pathname + search, method });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.end();
    const [response] = (await once(req, 'response')) as [IncomingMessage];
    let text = '';
    for await (const chunk of response) text += String(chunk);
    const challenge = response.headers['www-authenticate'];
    return { status: response.statusCode ?? 0, challenge, body: text ? JSON.parse(text) : {} };
  }

  /** A request with the bound token and a proof made for it (options override each field). */
  async function withProof(
    path: string,
    proof: Partial<DpopProofOptions> = {},
    url = base,
  ): Promise<Answer> {
    const htu = `${url}${path}`;
    const signed = await dpopProof({ key, htm: 'GET', htu, token, ...proof });
    return send(htu, { Authorization: `DPoP ${token}`, DPoP: signed });
  }

  function expectProofRefused(answer: Answer, message: string): void {
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ statusCode: 401, message, error: 'Unauthorized' });
    expect(answer.challenge).toBe(
      `Bearer realm="demo", DPoP algs="ES256 RS256 PS256", error="invalid_dpop_proof", error_description="${message}"`,
    );
  }

  it('accepts a bound token with a fresh proof, again from the verified-token cache', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await withProof('/me');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ sub: expect.any(String) });
    }
  });

  it('refuses a proof for another method (htm)', async () => {
    expectProofRefused(
      await withProof('/me', { htm: 'POST' }),
      'The DPoP proof htm does not match the request method',
    );
  });

  it.each([
    ['another host', (url: string) => url.replace('127.0.0.1', 'localhost')],
    ['another port', (url: string) => url.replace(/:(\d+)/, (_, p: string) => `:${Number(p) + 1}`)],
    ['another path', (url: string) => `${url}/other`],
    ['a query', (url: string) => `${url}?page=2`],
    ['another scheme', (url: string) => url.replace('http:', 'https:')],
  ])('refuses a proof whose htu has %s', async (_case, change) => {
    expectProofRefused(
      await withProof('/me', { htu: change(`${base}/me`) }),
      'The DPoP proof htu does not match the request URL',
    );
  });

  it('accepts an htu whose scheme is written in capitals (URLs compare normalised)', async () => {
    expect((await withProof('/me', { htu: `${base.replace('http', 'HTTP')}/me` })).status).toBe(
      200,
    );
  });

  it.each([
    ['stale', -120],
    ['from the future', 120],
  ])('refuses a %s proof (iat), and accepts one within the window', async (_case, offset) => {
    expectProofRefused(
      await withProof('/me', { iat: now() + offset }),
      'The DPoP proof is too old or from the future',
    );
    expect((await withProof('/me', { iat: now() - 30 })).status).toBe(200);
  });

  it('refuses a proof without ath, and one for another token', async () => {
    const message = 'The DPoP proof ath does not match the access token';
    expectProofRefused(await withProof('/me', { ath: null }), message);
    expectProofRefused(await withProof('/me', { token: `${token}x` }), message);
  });

  it('refuses a proof whose jwk has private members', async () => {
    expectProofRefused(
      await withProof('/me', { jwk: await privateJwkOf(key) }),
      'The DPoP proof needs a public jwk',
    );
  });

  it('refuses a symmetric alg and a typ other than dpop+jwt', async () => {
    const htu = `${base}/me`;
    const hs256 = await new SignJWT({ htm: 'GET', htu, jti: 'x', iat: now() })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(new Uint8Array(32));
    expectProofRefused(
      await send(htu, { Authorization: `DPoP ${token}`, DPoP: hs256 }),
      'The DPoP proof algorithm is not accepted',
    );
    expectProofRefused(
      await withProof('/me', { typ: 'JWT' }),
      'The DPoP proof typ is not dpop+jwt',
    );
  });

  it('refuses two proofs, and none', async () => {
    const htu = `${base}/me`;
    const one = await dpopProof({ key, htm: 'GET', htu, token });
    const two = await dpopProof({ key, htm: 'GET', htu, token });
    const message = 'Exactly one DPoP proof is required';
    expectProofRefused(
      await send(htu, { Authorization: `DPoP ${token}`, DPoP: [one, two] }),
      message,
    );
    expectProofRefused(await send(htu, { Authorization: `DPoP ${token}` }), message);
  });

  it('refuses a proof signed by another key than its jwk, and one by another key pair', async () => {
    const other = await dpopKey();
    expectProofRefused(
      await withProof('/me', { signWith: other }),
      'The DPoP proof signature is not valid',
    );
    expectProofRefused(
      await withProof('/me', { key: other }),
      'The DPoP proof key is not the one the token is bound to',
    );
  });

  it('refuses a replayed proof (its jti was used)', async () => {
    const htu = `${base}/me`;
    const proof = await dpopProof({ key, htm: 'GET', htu, token });
    const headers = { Authorization: `DPoP ${token}`, DPoP: proof };
    expect((await send(htu, headers)).status).toBe(200);
    expectProofRefused(await send(htu, headers), 'The DPoP proof was already used');
  });

  it('refuses a bound token sent as Bearer, and a Bearer token sent as DPoP', async () => {
    const bound = await send(`${base}/me`, { Authorization: `Bearer ${token}` });
    expect(bound.status).toBe(401);
    expect(bound.body.message).toBe('A DPoP-bound token must be sent with the DPoP scheme');
    expect(bound.challenge).toBe(
      'Bearer realm="demo", error="invalid_token", error_description="A DPoP-bound token must be sent with the DPoP scheme", DPoP algs="ES256 RS256 PS256"',
    );
    const bearer = await keycloak.tokenFor('alice');
    const htu = `${base}/me`;
    const proof = await dpopProof({ key, htm: 'GET', htu, token: bearer });
    const unbound = await send(htu, { Authorization: `DPoP ${bearer}`, DPoP: proof });
    expect(unbound.status).toBe(401);
    expect(unbound.body.message).toBe(
      'The token is not DPoP-bound: send it with the Bearer scheme',
    );
    // A Bearer token as Bearer still passes in the default mode.
    expect((await send(htu, { Authorization: `Bearer ${bearer}` })).status).toBe(200);
  });

  it('@RequireDpop(): refuses Bearer on its route with a DPoP challenge, accepts DPoP', async () => {
    const bearer = await keycloak.tokenFor('alice');
    const answer = await send(`${base}/dpop-only`, { Authorization: `Bearer ${bearer}` });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('A DPoP-bound token is required');
    expect(answer.challenge).toBe(
      'DPoP algs="ES256 RS256 PS256", error="invalid_token", error_description="A DPoP-bound token is required"',
    );
    expect((await withProof('/dpop-only')).status).toBe(200);
  });

  it('@Permission with a DPoP-bound token: 403 without asking Keycloak', async () => {
    const before = keycloak.decisionRequests;
    const answer = await withProof('/permitted');
    expect(answer.status).toBe(403);
    expect(answer.body.message).toBe(
      "Keycloak's permission decisions do not accept DPoP-bound tokens: use a Bearer token here",
    );
    expect(keycloak.decisionRequests).toBe(before);
  });

  it('an introspected route checks the answer names the same key', async () => {
    expect((await withProof('/active')).status).toBe(200);
  });

  it('an introspected route refuses a token whose introspection answer names another key', async () => {
    // A token of its own: the first test's answer is cached for the shared one.
    const other = await dpopKey();
    const bound = await keycloak.tokenFor('alice', { dpopJkt: key.jkt });
    const answer = { active: true, sub: 'alice', cnf: { jkt: other.jkt } };
    keycloak.failNext('introspect', { body: JSON.stringify(answer) });
    const htu = `${base}/active`;
    const proof = await dpopProof({ key, htm: 'GET', htu, token: bound });

    const refused = await send(htu, { Authorization: `DPoP ${bound}`, DPoP: proof });

    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('Token is no longer active');
    expect(keycloak.requests.introspect).toBeGreaterThan(0);
  });

  describe('DPOP_MODE=required', () => {
    let strict: string;
    beforeAll(async () => {
      strict = await listening({ dpopMode: 'required' });
    });

    it('refuses Bearer everywhere with the DPoP challenge alone, accepts DPoP', async () => {
      const bearer = await keycloak.tokenFor('alice');
      const answer = await send(`${strict}/me`, { Authorization: `Bearer ${bearer}` });
      expect(answer.status).toBe(401);
      expect(answer.challenge).toBe(
        'DPoP algs="ES256 RS256 PS256", error="invalid_token", error_description="A DPoP-bound token is required"',
      );
      expect((await withProof('/me', {}, strict)).status).toBe(200);
    });
  });

  describe('DPOP_MODE=off', () => {
    let off: string;
    beforeAll(async () => {
      off = await listening({ dpopMode: 'off' });
    });

    it('refuses the DPoP scheme as a missing token, with the Bearer challenge alone', async () => {
      const answer = await withProof('/me', {}, off);
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('Missing bearer token');
      expect(answer.challenge).toBe('Bearer realm="demo"');
    });
  });
});
