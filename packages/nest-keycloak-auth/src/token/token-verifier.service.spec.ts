import { jest } from '@jest/globals';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { KeySource, type KeySourceStatus } from '../jwks/key-source.js';
import type { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { TokenVerifier } from './token-verifier.service.js';

const ISSUER = 'http://kc.test/realms/demo';
const NOW = () => Math.floor(Date.now() / 1000);

/** A key source over a fixed local JWKS. */
class LocalKeySource extends KeySource {
  constructor(private readonly resolve: ReturnType<typeof createLocalJWKSet>) {
    super();
  }
  getKey(...args: Parameters<KeySource['getKey']>): ReturnType<KeySource['getKey']> {
    return this.resolve(...args);
  }
  status(): KeySourceStatus {
    return { ready: true, keyCount: 1, fetchedAt: 0, lastFetchFailed: false };
  }
  // No refetches here, so nothing is ever removed.
  onKeysRemoved(_listener: (kids: readonly string[]) => void): void {}
}

let privateKey: CryptoKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const settings = new AuthSettings({
    serverUrl: 'http://kc.test',
    realm: 'demo',
    clientId: 'nest-api',
    audiences: ['nest-api', 'other-api'],
    clockToleranceSeconds: 30,
  });
  const discovery = { endpoints: deriveEndpoints(ISSUER) } as OidcDiscoveryService;
  verifier = new TokenVerifier(
    settings,
    new LocalKeySource(createLocalJWKSet({ keys: [jwk] })),
    discovery,
  );
});

function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: ['nest-api', 'account'],
    sub: 'user-1',
    typ: 'Bearer',
    azp: 'nest-api-web',
    iat: NOW(),
    exp: NOW() + 300,
    preferred_username: 'alice',
    email: 'alice@example.com',
    scope: 'openid profile email',
    realm_access: { roles: ['offline_access'] },
    resource_access: { 'nest-api': { roles: ['api-admin'] }, account: { roles: ['view-profile'] } },
    ...overrides,
  };
}

function sign(payload: JWTPayload, header: { alg?: string; kid?: string } = {}): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT', ...header })
    .sign(privateKey);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof AuthError ? error.code : `unexpected ${String(error)}`;
  }
}

function without(key: string): JWTPayload {
  const payload = claims();
  delete payload[key];
  return payload;
}

describe('TokenVerifier', () => {
  it('turns a valid access token into a typed principal', async () => {
    const principal = await verifier.verify(await sign(claims()));
    expect(principal).toMatchObject({
      sub: 'user-1',
      username: 'alice',
      email: 'alice@example.com',
      realmRoles: ['offline_access'],
      clientRoles: ['api-admin'],
      scopes: ['openid', 'profile', 'email'],
      azp: 'nest-api-web',
    });
    expect([...principal.roles].sort()).toEqual(['api-admin', 'offline_access']);
  });

  it.each<[string, string, JWTPayload]>([
    ['exp in the future', 'accepted', { exp: NOW() + 60 }],
    ['exp passed beyond the tolerance', AuthErrorCode.Expired, { exp: NOW() - 31 }],
    ['exp passed within the tolerance', 'accepted', { exp: NOW() - 10 }],
    ['nbf within the tolerance', 'accepted', { nbf: NOW() + 10 }],
    ['nbf beyond the tolerance', AuthErrorCode.NotYetValid, { nbf: NOW() + 120 }],
    ['iat within the tolerance', 'accepted', { iat: NOW() + 10 }],
    ['iat in the future beyond the tolerance', AuthErrorCode.NotYetValid, { iat: NOW() + 120 }],
    ['the realm issuer', 'accepted', { iss: ISSUER }],
    ['another realm', AuthErrorCode.InvalidIssuer, { iss: 'http://kc.test/realms/other' }],
    ['an issuer with a trailing slash', AuthErrorCode.InvalidIssuer, { iss: `${ISSUER}/` }],
    ['a second configured audience', 'accepted', { aud: 'other-api' }],
    ['no configured audience', AuthErrorCode.InvalidAudience, { aud: ['account'] }],
    ['typ Bearer', 'accepted', { typ: 'Bearer' }],
    ['an ID token', AuthErrorCode.WrongTokenType, { typ: 'ID' }],
    ['a refresh token', AuthErrorCode.WrongTokenType, { typ: 'Refresh' }],
    ['typ in another case', AuthErrorCode.WrongTokenType, { typ: 'bearer' }],
    ['an empty sub', AuthErrorCode.InvalidClaims, { sub: '' }],
    ['a sub with NUL', AuthErrorCode.InvalidClaims, { sub: 'user\u00001' }],
  ])('%s → %s', async (_name, expected, overrides) => {
    expect(await codeOf(verifier.verify(await sign(claims(overrides))))).toBe(expected);
  });

  it.each([
    ['exp', AuthErrorCode.InvalidClaims],
    ['sub', AuthErrorCode.InvalidClaims],
    ['typ', AuthErrorCode.WrongTokenType],
    ['aud', AuthErrorCode.InvalidAudience],
    ['iss', AuthErrorCode.InvalidIssuer],
  ])('refuses a token without %s', async (claim, expected) => {
    expect(await codeOf(verifier.verify(await sign(without(claim))))).toBe(expected);
  });

  it('refuses an algorithm outside the allow-list even with a valid signature', async () => {
    const pair = await generateKeyPair('PS256');
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'ps', alg: 'PS256' };
    const settings = new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'nest-api',
    });
    const discovery = { endpoints: deriveEndpoints(ISSUER) } as OidcDiscoveryService;
    const strict = new TokenVerifier(
      settings,
      new LocalKeySource(createLocalJWKSet({ keys: [jwk] })),
      discovery,
    );
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'PS256', kid: 'ps' })
      .sign(pair.privateKey);
    expect(await codeOf(strict.verify(token))).toBe(AuthErrorCode.MalformedToken);
  });

  it('refuses a payload changed after signing', async () => {
    const [header, , signature] = (await sign(claims())).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
    expect(await codeOf(verifier.verify(`${header}.${forged}.${signature}`))).toBe(
      AuthErrorCode.InvalidSignature,
    );
  });

  it.each(['garbage', 'a.b.c', '', 'eyJhbGciOiJub25lIn0.e30.'])(
    'refuses the malformed token %p without leaking library text',
    async (token) => {
      expect(await codeOf(verifier.verify(token))).toBe(AuthErrorCode.MalformedToken);
    },
  );

  describe('verified-token cache', () => {
    it('verifies a repeated token once: the second call asks the key source nothing', async () => {
      const getKey = jest.spyOn(LocalKeySource.prototype, 'getKey');
      getKey.mockClear();
      const token = await sign(claims({ sub: 'cached-user' }));
      const first = await verifier.verify(token);
      const second = await verifier.verify(token);
      expect(second).toBe(first);
      expect(getKey).toHaveBeenCalledTimes(1);
      getKey.mockRestore();
    });

    it('check() gives a promise for a new token, then the remembered principal itself', async () => {
      const token = await sign(claims({ sub: 'sync-user' }));
      const first = verifier.check(token);
      expect(first).toBeInstanceOf(Promise);
      const principal = await first;
      expect(verifier.check(token)).toBe(principal);
    });

    it('check() throws at once, without a promise, while discovery reports another issuer', async () => {
      const token = await sign(claims({ sub: 'mismatch-user' }));
      await verifier.verify(token);
      const discovery = { endpoints: deriveEndpoints(ISSUER), issuerMismatch: true };
      const settings = new AuthSettings({
        serverUrl: 'http://kc.test',
        realm: 'demo',
        clientId: 'nest-api',
      });
      const refusing = new TokenVerifier(
        settings,
        new LocalKeySource(createLocalJWKSet({ keys: [] })),
        discovery as unknown as OidcDiscoveryService,
      );
      expect(() => refusing.check(token)).toThrow(
        expect.objectContaining({ code: AuthErrorCode.IssuerMismatch }),
      );
    });

    it('does not cache a token whose key set changed during its check', async () => {
      const pair = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k9', alg: 'RS256', use: 'sig' };
      const resolve = createLocalJWKSet({ keys: [jwk] });
      const listeners: Array<(kids: readonly string[]) => void> = [];
      let lookups = 0;
      /** Drops k9 while the first lookup is in flight, as a concurrent refetch would. */
      class RacingKeySource extends LocalKeySource {
        override getKey(...args: Parameters<KeySource['getKey']>) {
          if (++lookups === 1) listeners.forEach((listener) => listener(['k9']));
          return resolve(...args);
        }
        override onKeysRemoved(listener: (kids: readonly string[]) => void): void {
          listeners.push(listener);
        }
      }
      const settings = new AuthSettings({
        serverUrl: 'http://kc.test',
        realm: 'demo',
        clientId: 'nest-api',
      });
      const discovery = { endpoints: deriveEndpoints(ISSUER) } as OidcDiscoveryService;
      const racing = new TokenVerifier(settings, new RacingKeySource(resolve), discovery);
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: 'k9', typ: 'JWT' })
        .sign(pair.privateKey);

      await racing.verify(token);
      await racing.verify(token);
      expect(lookups).toBe(2);
      await racing.verify(token);
      expect(lookups).toBe(2);
    });

    it('forgets cached principals when the expected issuer changes (discovery answered late)', async () => {
      const endpoints = { ...deriveEndpoints(ISSUER) };
      const settings = new AuthSettings({
        serverUrl: 'http://kc.test',
        realm: 'demo',
        clientId: 'nest-api',
      });
      const pair = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      const late = new TokenVerifier(
        settings,
        new LocalKeySource(createLocalJWKSet({ keys: [jwk] })),
        { endpoints } as unknown as OidcDiscoveryService,
      );
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
        .sign(pair.privateKey);
      expect(await codeOf(late.verify(token))).toBe('accepted');

      Object.assign(endpoints, { issuer: 'https://sso.example.com/realms/demo' });
      expect(await codeOf(late.verify(token))).toBe(AuthErrorCode.InvalidIssuer);
    });

    it('never caches a refusal', async () => {
      const token = await sign(claims({ aud: 'someone-else' }));
      expect(await codeOf(verifier.verify(token))).toBe(AuthErrorCode.InvalidAudience);
      expect(await codeOf(verifier.verify(token))).toBe(AuthErrorCode.InvalidAudience);
    });
  });
});
