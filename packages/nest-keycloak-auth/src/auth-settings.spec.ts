import type { AuthModuleOptions } from './auth-options.js';
import { AuthSettings } from './auth-settings.js';
import { SUPPORTED_ALGORITHMS } from './auth.constants.js';
import { AuthConfigError } from './errors/auth-config.error.js';

const BASE: AuthModuleOptions = {
  serverUrl: 'http://kc.test:8080',
  realm: 'demo',
  clientId: 'nest-api',
};

const build = (overrides: Partial<AuthModuleOptions>) =>
  new AuthSettings({ ...BASE, ...overrides });

describe('AuthSettings', () => {
  it('fills in the documented defaults', () => {
    const settings = new AuthSettings(BASE);
    expect(settings).toMatchObject({
      serverUrl: 'http://kc.test:8080',
      realm: 'demo',
      clientId: 'nest-api',
      clientSecret: '',
      audiences: ['nest-api'],
      algorithms: ['RS256'],
      clockToleranceSeconds: 30,
      jwksCooldownMs: 30_000,
      jwksMaxAgeMs: 600_000,
      httpTimeoutMs: 5000,
      introspectionTimeoutMs: 3000,
      discovery: true,
      introspectionCacheTtlMs: 10_000,
      tokenCacheMaxEntries: 10_000,
      tokenCacheMaxAgeMs: 60_000,
      discoveryRetryMs: 30_000,
      backchannelLogoutAudiences: [],
      revocationRetentionSeconds: 3600,
      realmUrl: 'http://kc.test:8080/realms/demo',
    });
  });

  it('keeps the values it is given, converting seconds to ms', () => {
    const settings = build({
      clientSecret: 's3cret',
      audiences: ['api-a', 'api-b'],
      algorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 0,
      jwksCooldownSeconds: 5,
      jwksMaxAgeSeconds: 60,
      httpTimeoutMs: 1500,
      introspectionTimeoutMs: 700,
      discovery: false,
      discoveryRetrySeconds: 2,
    });
    expect(settings).toMatchObject({
      clientSecret: 's3cret',
      audiences: ['api-a', 'api-b'],
      algorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 0,
      jwksCooldownMs: 5000,
      jwksMaxAgeMs: 60_000,
      httpTimeoutMs: 1500,
      introspectionTimeoutMs: 700,
      discovery: false,
      discoveryRetryMs: 2000,
    });
  });

  it.each([[undefined], [[]]])('defaults audiences %p to [clientId]', (audiences) => {
    expect(build({ clientId: 'orders-api', audiences }).audiences).toEqual(['orders-api']);
  });

  it('copies the audience and algorithm lists, so later changes to the options do not leak in', () => {
    const audiences = ['api-a'];
    const algorithms = ['RS256'];
    const settings = build({ audiences, algorithms });
    audiences.push('intruder');
    algorithms.push('HS256');
    expect(settings.audiences).toEqual(['api-a']);
    expect(settings.algorithms).toEqual(['RS256']);
  });

  it.each([
    ['http://kc.test/', 'http://kc.test'],
    ['https://kc.test/auth//', 'https://kc.test/auth'],
    ['HTTPS://KC.TEST', 'HTTPS://KC.TEST'],
  ])('accepts serverUrl %p as %p', (serverUrl, expected) => {
    const settings = build({ serverUrl });
    expect(settings.serverUrl).toBe(expected);
    expect(settings.realmUrl).toBe(`${expected}/realms/demo`);
  });

  it('builds realmUrl from the realm name', () => {
    expect(build({ realm: 'my-realm.prod_1' }).realmUrl).toBe(
      'http://kc.test:8080/realms/my-realm.prod_1',
    );
  });

  it('keeps a pinned issuer apart from serverUrl', () => {
    const settings = build({
      serverUrl: 'http://keycloak:8080',
      issuer: 'https://sso.example.com/realms/demo',
    });
    expect(settings.issuer).toBe('https://sso.example.com/realms/demo');
    expect(settings.realmUrl).toBe('http://keycloak:8080/realms/demo');
  });

  it.each(SUPPORTED_ALGORITHMS.map((alg) => [alg]))(
    'accepts the asymmetric algorithm %s',
    (alg) => {
      expect(build({ algorithms: [alg] }).algorithms).toEqual([alg]);
    },
  );

  describe('refuses at construction', () => {
    it.each<[string, Partial<AuthModuleOptions>, RegExp]>([
      ['algorithm none', { algorithms: ['none'] }, /"algorithms".*refused: none/],
      ['algorithm HS256', { algorithms: ['HS256'] }, /"algorithms".*refused: HS256/],
      ['an HS algorithm next to a good one', { algorithms: ['RS256', 'HS512'] }, /refused: HS512/],
      ['a lower-case algorithm', { algorithms: ['rs256'] }, /refused: rs256/],
      ['an empty algorithm list', { algorithms: [] }, /"algorithms".*\(empty list\)/],
      ['an ftp serverUrl', { serverUrl: 'ftp://kc.test' }, /"serverUrl" must be an http\(s\) URL/],
      ['a serverUrl without scheme', { serverUrl: 'kc.test:8080' }, /"serverUrl" must be/],
      ['a serverUrl without host', { serverUrl: 'http://' }, /"serverUrl" must be/],
      ['a serverUrl with an empty host', { serverUrl: 'http:///realms' }, /"serverUrl" must be/],
      ['a missing serverUrl', { serverUrl: undefined }, /"serverUrl" is required/],
      ['a missing realm', { realm: undefined }, /"realm" is required/],
      ['an empty realm', { realm: '' }, /"realm" is required/],
      ['a missing clientId', { clientId: undefined }, /"clientId" is required/],
      ['an empty clientId', { clientId: '' }, /"clientId" is required/],
      [
        'a back-channel audience with a space',
        { backchannelLogoutAudiences: ['nest api'] },
        /"backchannelLogoutAudiences"/,
      ],
      [
        'a revocationRetentionSeconds under a minute',
        { revocationRetentionSeconds: 59 },
        /"revocationRetentionSeconds" must be a whole number from 60 to 86400/,
      ],
      [
        'a negative clockToleranceSeconds',
        { clockToleranceSeconds: -1 },
        /"clockToleranceSeconds"/,
      ],
      [
        'a fractional clockToleranceSeconds',
        { clockToleranceSeconds: 1.5 },
        /"clockToleranceSeconds"/,
      ],
      [
        'a NaN clockToleranceSeconds',
        { clockToleranceSeconds: Number.NaN },
        /"clockToleranceSeconds"/,
      ],
      ['a negative jwksCooldownSeconds', { jwksCooldownSeconds: -30 }, /"jwksCooldownSeconds"/],
      ['a negative jwksMaxAgeSeconds', { jwksMaxAgeSeconds: -1 }, /"jwksMaxAgeSeconds"/],
      ['a negative httpTimeoutMs', { httpTimeoutMs: -1 }, /"httpTimeoutMs"/],
      [
        'a zero httpTimeoutMs (no timeout)',
        { httpTimeoutMs: 0 },
        /"httpTimeoutMs" must be a whole number from 100 to 60000/,
      ],
      [
        'a zero introspectionTimeoutMs (no timeout)',
        { introspectionTimeoutMs: 0 },
        /"introspectionTimeoutMs" must be a whole number from 100 to 60000/,
      ],
      ['a realm with a slash', { realm: 'demo/../master' }, /"realm" must be a realm name/],
      ['a clockToleranceSeconds over 300', { clockToleranceSeconds: 301 }, /from 0 to 300/],
      ['a zero discoveryRetrySeconds (a hot loop)', { discoveryRetrySeconds: 0 }, /from 1 to 3600/],
      ['an issuer that is no URL', { issuer: 'demo' }, /"issuer" must be an http\(s\) URL/],
      [
        'a serverUrl with credentials (it is logged)',
        { serverUrl: 'https://u:p@kc.test' },
        /"serverUrl" must be/,
      ],
      ['an infinite httpTimeoutMs', { httpTimeoutMs: Infinity }, /"httpTimeoutMs"/],
      [
        'a negative introspectionTimeoutMs',
        { introspectionTimeoutMs: -1 },
        /"introspectionTimeoutMs"/,
      ],
      [
        'a negative discoveryRetrySeconds',
        { discoveryRetrySeconds: -1 },
        /"discoveryRetrySeconds"/,
      ],
      [
        'a negative introspectionCacheTtlSeconds',
        { introspectionCacheTtlSeconds: -1 },
        /"introspectionCacheTtlSeconds"/,
      ],
      ['a negative tokenCacheMaxEntries', { tokenCacheMaxEntries: -1 }, /"tokenCacheMaxEntries"/],
      [
        'a negative tokenCacheMaxAgeSeconds',
        { tokenCacheMaxAgeSeconds: -1 },
        /"tokenCacheMaxAgeSeconds"/,
      ],
    ])('%s', (_label, overrides, message) => {
      expect(() => build(overrides)).toThrow(AuthConfigError);
      expect(() => build(overrides)).toThrow(message);
    });
  });
});
