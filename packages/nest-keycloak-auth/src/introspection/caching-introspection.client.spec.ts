import { jest } from '@jest/globals';
import type { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import { Subject, of, type Observable } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import type { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { CachingIntrospectionClient } from './caching-introspection.client.js';
import { KeycloakIntrospectionClient } from './keycloak-introspection.client.js';

const NOW = 1_800_000_000_000;
const EXP = NOW / 1000 + 300;

describe('CachingIntrospectionClient', () => {
  let post: jest.Mock<() => Observable<{ data: unknown }>>;
  let client: CachingIntrospectionClient;

  function build(ttlSeconds = 10): CachingIntrospectionClient {
    const settings = new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'nest-api',
      clientSecret: 's',
      introspectionCacheTtlSeconds: ttlSeconds,
    });
    const discovery = { endpoints: deriveEndpoints(settings.realmUrl) } as OidcDiscoveryService;
    const keycloak = new KeycloakIntrospectionClient(
      settings,
      { post } as unknown as HttpService,
      discovery,
    );
    return new CachingIntrospectionClient(keycloak, settings.introspectionCacheTtlMs);
  }

  let logError: jest.Spied<Logger['error']>;

  beforeEach(() => {
    // Failures are logged on purpose here: kept out of the test output, and asserted.
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    post = jest.fn(() => of({ data: { active: true } }));
    client = build();
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reuses an active answer for the TTL, then asks again', async () => {
    expect(await client.isActive('t', EXP)).toBe(true);
    jest.setSystemTime(NOW + 9_999);
    expect(await client.isActive('t', EXP)).toBe(true);
    expect(post).toHaveBeenCalledTimes(1);
    jest.setSystemTime(NOW + 10_000);
    await client.isActive('t', EXP);
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('never reuses an active answer past the token exp', async () => {
    await client.isActive('t', NOW / 1000 + 2);
    jest.setSystemTime(NOW + 2_000);
    await client.isActive('t', NOW / 1000 + 2);
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('keeps an inactive answer until exp: a revoked token does not come back', async () => {
    post.mockReturnValueOnce(of({ data: { active: false } }));
    expect(await client.isActive('t', EXP)).toBe(false);
    jest.setSystemTime(NOW + 299_000);
    expect(await client.isActive('t', EXP)).toBe(false);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('shares one request between concurrent checks of the same token', async () => {
    const answer = new Subject<{ data: unknown }>();
    post.mockReturnValueOnce(answer);
    const checks = Array.from({ length: 10 }, () => client.isActive('t', EXP));
    // Each check looks in the cache first (a promise), then joins the one request.
    await new Promise((resolve) => setImmediate(resolve));
    answer.next({ data: { active: true } });
    answer.complete();
    expect(await Promise.all(checks)).toEqual(Array(10).fill(true));
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('keeps tokens apart', async () => {
    await client.isActive('a', EXP);
    await client.isActive('b', EXP);
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('asks every time when the TTL is 0', async () => {
    client = build(0);
    await client.isActive('t', EXP);
    await client.isActive('t', EXP);
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failure', async () => {
    post.mockReturnValueOnce(of({ data: 'not json' }));
    await expect(client.isActive('t', EXP)).rejects.toMatchObject({
      code: 'ERR_AUTH_INTROSPECTION_UNAVAILABLE',
    });
    expect(logError).toHaveBeenCalledTimes(1);
    expect(await client.isActive('t', EXP)).toBe(true);
    expect(post).toHaveBeenCalledTimes(2);
  });
});
