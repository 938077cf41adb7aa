import type { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  tamperPayload,
  KeycloakStandIn,
} from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** Collects every log line, so tests can prove no token is ever logged. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(asLine(message));
  }
  error(message: unknown): void {
    this.lines.push(asLine(message));
  }
  warn(message: unknown): void {
    this.lines.push(asLine(message));
  }
}

/** The library logs fields; a JSON logger would write them as this line. */
function asLine(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

describe.each(ADAPTERS)('%s: token rejections (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let other: KeycloakStandIn;
  let app: INestApplication;
  const logger = new CapturingLogger();
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    other = await KeycloakStandIn.start({ realm: 'other' });
    app = await createTestApp(keycloak, { adapter, logger });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([keycloak.stop(), other.stop()]);
  });

  const me = (authorization?: string) => {
    const test = request(app.getHttpServer()).get('/me');
    return authorization === undefined ? test : test.set('Authorization', authorization);
  };

  it('accepts a valid token (the pass case for every row below)', async () => {
    await me(`Bearer ${await keycloak.tokenFor('alice')}`).expect(200);
  });

  const cases: Array<[string, () => Promise<string> | string, string]> = [
    ['expired', () => keycloak.tokenFor('alice', { exp: now() - 60 }), 'Token has expired'],
    [
      'not yet valid',
      () => keycloak.tokenFor('alice', { nbf: now() + 300 }),
      'Token is not yet valid',
    ],
    [
      'issued in the future',
      () => keycloak.tokenFor('alice', { iat: now() + 300 }),
      'Token is not yet valid',
    ],
    ['from another realm', () => other.tokenFor('alice'), 'Invalid token'],
    [
      'with a wrong issuer',
      () => keycloak.tokenFor('alice', { iss: other.issuer }),
      'Invalid token issuer',
    ],
    [
      'for another audience',
      () => keycloak.tokenFor('alice', { aud: ['account'] }),
      'Invalid token audience',
    ],
    ['without exp', () => keycloak.tokenFor('alice', { omit: ['exp'] }), 'Invalid token'],
    ['without sub', () => keycloak.tokenFor('alice', { omit: ['sub'] }), 'Invalid token'],
    ['an ID token', () => keycloak.mintIdToken({ aud: 'nest-api' }), 'Invalid token'],
    ['a refresh token', () => keycloak.mintRefreshToken({ aud: 'nest-api' }), 'Invalid token'],
    ['signed with alg none', () => forgeAlgNone(keycloak.accessClaims()), 'Invalid token'],
    [
      'HS256 signed with the public key (PEM)',
      () => forgeHs256WithPublicKey(keycloak, keycloak.accessClaims()),
      'Invalid token',
    ],
    [
      'HS256 signed with the public key (JWK)',
      () => forgeHs256WithPublicKey(keycloak, keycloak.accessClaims(), 'jwk'),
      'Invalid token',
    ],
    [
      'signed by another key with the same kid',
      () => forgeWithForeignKey(keycloak, keycloak.accessClaims()),
      'Invalid token',
    ],
    [
      'with a tampered payload',
      async () =>
        tamperPayload(await keycloak.tokenFor('bob'), {
          resource_access: { 'nest-api': { roles: ['api-admin'] } },
        }),
      'Invalid token',
    ],
    [
      'with an unknown kid',
      () => keycloak.tokenFor('alice', { kid: 'no-such-key' }),
      'Invalid token',
    ],
    ['garbage', () => 'not-a-jwt', 'Invalid token'],
    [
      'with a non-JSON payload',
      () => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('nope').toString('base64url')}.c2ln`,
      'Invalid token',
    ],
  ];

  it.each(cases)('refuses a token %s: 401', async (_label, mint, message) => {
    const token = await mint();
    const response = await me(`Bearer ${token}`).expect(401);
    expect(response.body).toEqual({ statusCode: 401, message, error: 'Unauthorized' });
    expect(response.headers['www-authenticate']).toBe(
      `Bearer realm="demo", error="invalid_token", error_description="${message}", DPoP algs="ES256 RS256 PS256"`,
    );
    expect(JSON.stringify(response.body)).not.toContain(token.slice(0, 20));
  });

  it.each([
    ['bearer', 200],
    ['BEARER', 200],
    ['Bearer', 200],
  ])('matches the %s scheme case-insensitively', async (scheme, status) => {
    await me(`${scheme} ${await keycloak.tokenFor('bob')}`).expect(status);
  });

  it('answers a missing header with 401 and a bare challenge', async () => {
    const response = await me().expect(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
    );
    expect(response.body).toEqual({
      statusCode: 401,
      message: 'Missing bearer token',
      error: 'Unauthorized',
    });
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6cGFzc3dvcmQ=', 'Missing bearer token'],
    ['an empty token', 'Bearer ', 'Invalid token'],
    ['a token with spaces', 'Bearer a b', 'Invalid token'],
    ['a header over 8 KiB', `Bearer ${'a'.repeat(8 * 1024)}`, 'Invalid token'],
  ])('answers %s with 401', async (_label, header, message) => {
    const { body } = await me(header).expect(401);
    expect(body).toMatchObject({ statusCode: 401, message });
  });

  it('logs each refusal as one line with the reason, never the token', async () => {
    const token = await keycloak.tokenFor('alice', { exp: now() - 60 });
    logger.lines.length = 0;
    await me(`Bearer ${token}`).expect(401);
    await request(app.getHttpServer())
      .get('/items')
      .set('Authorization', `Bearer ${await keycloak.tokenFor('carol')}`)
      .expect(403);
    const refusals = logger.lines.filter((line) => line.includes('auth_refused'));
    expect(refusals).toHaveLength(2);
    expect(JSON.parse(refusals[0])).toMatchObject({
      status: 401,
      reason: 'ERR_AUTH_TOKEN_EXPIRED',
      method: 'GET',
      route: '/me',
    });
    expect(JSON.parse(refusals[1])).toMatchObject({
      status: 403,
      reason: 'ERR_AUTH_INSUFFICIENT_ROLES',
      route: '/items',
      sub: '7f3c2e0a-3b4d-4e5f-8a6b-c3d4e5f6a7b8',
    });
    expect(logger.lines.join('\n')).not.toContain(token.split('.')[1]);
  });

  it('logs a well-formed unknown kid as is, and a huge one as (malformed)', async () => {
    logger.lines.length = 0;
    await me(`Bearer ${await keycloak.tokenFor('alice', { kid: 'no-such-key' })}`).expect(401);
    await me(`Bearer ${await keycloak.tokenFor('alice', { kid: 'k'.repeat(5000) })}`).expect(401);
    const refusals = logger.lines
      .filter((line) => line.includes('auth_refused'))
      .map((line) => JSON.parse(line) as { kid?: string });
    expect(refusals.map((line) => line.kid)).toEqual(['no-such-key', '(malformed)']);
  });
});
