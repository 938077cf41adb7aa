import { jest } from '@jest/globals';
import type { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import { exportJWK, generateKeyPair, type JWK, type JWTHeaderParameters } from 'jose';
import { Observable, of, throwError } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { JwksService } from './jwks.service.js';

const COOLDOWN_MS = 30_000;
const TOKEN = { payload: '', signature: '' };

/** JwksService on a clock the test moves. */
class ClockedJwksService extends JwksService {
  clock = 1_000_000;
  protected override now(): number {
    return this.clock;
  }
}

async function publicJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('RS256');
  return { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
}

const header = (kid: string): JWTHeaderParameters => ({ alg: 'RS256', kid });

describe('JwksService', () => {
  let k1: JWK;
  let k2: JWK;
  let served: JWK[];
  let down: boolean;
  let get: jest.Mock<(url: string) => Observable<{ data: unknown }>>;
  let jwks: ClockedJwksService;

  beforeAll(async () => {
    [k1, k2] = await Promise.all([publicJwk('k1'), publicJwk('k2')]);
  });

  afterEach(() => jest.restoreAllMocks());

  beforeEach(async () => {
    // Outages are logged on purpose here (WARN): kept out of the test output.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    served = [k1];
    down = false;
    get = jest.fn(() =>
      down
        ? throwError(() => Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))
        : of({ data: { keys: [...served] } }),
    );
    const settings = new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'nest-api',
      jwksCooldownSeconds: COOLDOWN_MS / 1000,
      jwksMaxAgeSeconds: 600,
    });
    const discovery = { endpoints: deriveEndpoints(settings.realmUrl) } as OidcDiscoveryService;
    jwks = new ClockedJwksService(settings, { get } as unknown as HttpService, discovery);
    await jwks.onApplicationBootstrap();
  });

  async function codeOf(kid: string): Promise<string> {
    try {
      await jwks.getKey(header(kid), TOKEN);
      return 'key';
    } catch (error) {
      return error instanceof AuthError ? error.code : String(error);
    }
  }

  it('fetches the keys once at start-up from the jwks_uri and serves them from memory', async () => {
    expect(get).toHaveBeenCalledWith('http://kc.test/realms/demo/protocol/openid-connect/certs', {
      timeout: 5000,
    });
    await Promise.all([codeOf('k1'), codeOf('k1'), codeOf('k1')]);
    expect(get).toHaveBeenCalledTimes(1);
    expect(jwks.status()).toMatchObject({ ready: true, keyCount: 1, lastFetchFailed: false });
  });

  it('refetches once for a rotated-in kid, and concurrent misses share that fetch', async () => {
    served = [k1, k2];
    jwks.clock += COOLDOWN_MS;
    const codes = await Promise.all(Array.from({ length: 20 }, () => codeOf('k2')));
    expect(codes).toEqual(Array(20).fill('key'));
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('picks up a key rotated in right after the warm-up fetch', async () => {
    served = [k1, k2];
    expect(await codeOf('k2')).toBe('key');
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('costs at most one fetch per cooldown window for a flood of unknown kids', async () => {
    jwks.clock += COOLDOWN_MS;
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => codeOf(`random-${i}`)));
    expect(new Set(first)).toEqual(new Set([AuthErrorCode.UnknownKey]));
    expect(get).toHaveBeenCalledTimes(2);

    jwks.clock += COOLDOWN_MS - 1;
    expect(await codeOf('random-x')).toBe(AuthErrorCode.UnknownKey);
    expect(get).toHaveBeenCalledTimes(2);

    jwks.clock += 1;
    expect(await codeOf('random-y')).toBe(AuthErrorCode.UnknownKey);
    expect(get).toHaveBeenCalledTimes(3);
  });

  it('keeps serving cached keys while Keycloak is down, for hours', async () => {
    down = true;
    jwks.clock += 6 * 3600 * 1000;
    expect(await codeOf('k1')).toBe('key'); // starts a background refresh, which fails
    await Promise.resolve();
    expect(await codeOf('k1')).toBe('key');
    expect(get).toHaveBeenCalledTimes(2);
    expect(jwks.status()).toMatchObject({ ready: true, lastFetchFailed: true });
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      expect.stringContaining('failed (ECONNREFUSED); serving 1 cached key(s)'),
    );
  });

  it('answers KeysUnavailable with Retry-After for a key it cannot fetch', async () => {
    down = true;
    jwks.clock += COOLDOWN_MS;
    const error = await jwks.getKey(header('k2'), TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      code: AuthErrorCode.KeysUnavailable,
      details: { kid: 'k2', retryAfterSeconds: 1 },
    });
    jwks.clock += 500;
    expect(await jwks.getKey(header('k2'), TOKEN).catch((e: unknown) => e)).toMatchObject({
      details: { retryAfterSeconds: 1 },
    });
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('retries a failed fetch after 1, 2, 4 then every 8 s, so a new kid is served soon after Keycloak returns', async () => {
    down = true;
    jwks.clock += COOLDOWN_MS;
    const fetchesAt: number[] = [];
    const start = jwks.clock;
    // A flood of requests for k2 (rotated in during the outage), one every 100 ms for a minute.
    for (let t = 0; t < 60_000; t += 100) {
      jwks.clock = start + t;
      const before = get.mock.calls.length;
      expect(await codeOf('k2')).toBe(AuthErrorCode.KeysUnavailable);
      if (get.mock.calls.length > before) fetchesAt.push(t);
    }
    expect(fetchesAt).toEqual([0, 1000, 3000, 7000, 15000, 23000, 31000, 39000, 47000, 55000]);

    // Keycloak is back, serving k2: the next step (63 s) fetches it.
    down = false;
    served = [k1, k2];
    jwks.clock = start + 62_900;
    expect(await codeOf('k2')).toBe(AuthErrorCode.KeysUnavailable);
    jwks.clock = start + 63_000;
    expect(await codeOf('k2')).toBe('key');

    // After a success the cooldown applies again to unknown kids: no fetch 8 s later, one at 30 s.
    const fetches = get.mock.calls.length;
    jwks.clock = start + 63_000 + 8_000;
    expect(await codeOf('random')).toBe(AuthErrorCode.UnknownKey);
    expect(get.mock.calls.length).toBe(fetches);
    jwks.clock = start + 63_000 + COOLDOWN_MS;
    expect(await codeOf('random')).toBe(AuthErrorCode.UnknownKey);
    expect(get.mock.calls.length).toBe(fetches + 1);
  });

  it('recovers when Keycloak comes back after a failed warm-up', async () => {
    down = true;
    const cold = new ClockedJwksService(
      new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'nest-api' }),
      { get } as unknown as HttpService,
      { endpoints: deriveEndpoints('http://kc.test/realms/demo') } as OidcDiscoveryService,
    );
    await cold.onApplicationBootstrap();
    expect(cold.status().ready).toBe(false);
    await expect(cold.getKey(header('k1'), TOKEN)).rejects.toMatchObject({
      code: AuthErrorCode.KeysUnavailable,
    });
    down = false;
    cold.clock += COOLDOWN_MS;
    await expect(cold.getKey(header('k1'), TOKEN)).resolves.toBeDefined();
    expect(cold.status().ready).toBe(true);
  });

  it('tells listeners which kids a refetch dropped', async () => {
    const removed = jest.fn();
    jwks.onKeysRemoved(removed);
    served = [k2];
    jwks.clock += COOLDOWN_MS;
    expect(await codeOf('k2')).toBe('key');
    expect(removed).toHaveBeenCalledWith(['k1']);
    expect(await codeOf('k1')).toBe(AuthErrorCode.UnknownKey);
  });

  it('forgets the keys it served once a refetch installs a new key set', async () => {
    const modulusOf = async (kid: string) =>
      (await exportJWK(await jwks.getKey(header(kid), TOKEN))).n;
    expect(await modulusOf('k1')).toBe(k1.n);
    const reissued = await publicJwk('k2');
    served = [reissued];
    jwks.clock += COOLDOWN_MS;
    expect(await modulusOf('k2')).toBe(reissued.n);
    expect(await codeOf('k1')).toBe(AuthErrorCode.UnknownKey);

    served = [k2];
    jwks.clock += COOLDOWN_MS;
    expect(await codeOf('k3')).toBe(AuthErrorCode.UnknownKey);
    expect(await modulusOf('k2')).toBe(k2.n);
    expect(get).toHaveBeenCalledTimes(3);
  });

  it('refreshes stale keys in the background without making the request wait', async () => {
    served = [k2];
    jwks.clock += 600_000;
    expect(await codeOf('k1')).toBe('key');
    await Promise.resolve();
    expect(get).toHaveBeenCalledTimes(2);
    expect(jwks.status().keyCount).toBe(1);
    jwks.clock += COOLDOWN_MS;
    expect(await codeOf('k2')).toBe('key');
  });

  it('treats a response that is not a JWKS as a failed fetch', async () => {
    get.mockReturnValueOnce(of({ data: '<html>' }));
    jwks.clock += COOLDOWN_MS;
    expect(await codeOf('k2')).toBe(AuthErrorCode.KeysUnavailable);
    expect(await codeOf('k1')).toBe('key');
  });

  it.each([
    ['no keys', []],
    ['only an encryption key', [{ kty: 'RSA', kid: 'enc-1', use: 'enc', n: 'AQAB', e: 'AQAB' }]],
  ])('treats a JWKS with %s as a failed fetch and keeps the last good keys', async (_l, keys) => {
    const removed = jest.fn();
    jwks.onKeysRemoved(removed);
    get.mockReturnValueOnce(of({ data: { keys } }));
    jwks.clock += COOLDOWN_MS;
    expect(await codeOf('k2')).toBe(AuthErrorCode.KeysUnavailable);
    expect(await codeOf('k1')).toBe('key');
    expect(removed).not.toHaveBeenCalled();
    expect(jwks.status()).toMatchObject({ keyCount: 1, lastFetchFailed: true });
  });
});
