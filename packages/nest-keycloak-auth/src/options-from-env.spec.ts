import { AUTH_ENVIRONMENT } from './auth-options.js';
import { AuthConfigError } from './errors/auth-config.error.js';
import { authOptionsFromEnv } from './options-from-env.js';
import { AuthSettings } from './auth-settings.js';

const SECRET = 'Sup3r-s3cret-client-value';
const REQUIRED = {
  KEYCLOAK_URL: 'http://localhost:8080',
  KEYCLOAK_REALM: 'demo',
  KEYCLOAK_CLIENT_ID: 'nest-api',
};

/** The AuthConfigError message `authOptionsFromEnv(env)` throws. */
function failure(env: Record<string, string>): string {
  try {
    authOptionsFromEnv({ ...REQUIRED, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as AuthConfigError).message;
  }
  throw new Error(`expected AuthConfigError for ${Object.keys(env).join(', ')}`);
}

describe('authOptionsFromEnv', () => {
  it('reads only the required variables into the required options', () => {
    expect(authOptionsFromEnv(REQUIRED)).toEqual({
      serverUrl: 'http://localhost:8080',
      realm: 'demo',
      clientId: 'nest-api',
    });
  });

  it.each(['KEYCLOAK_URL', 'KEYCLOAK_REALM', 'KEYCLOAK_CLIENT_ID'])(
    'refuses an environment without %s',
    (name) => {
      const env: Record<string, string> = { ...REQUIRED };
      delete env[name];
      expect(() => authOptionsFromEnv(env)).toThrow(`${name} is required`);
    },
  );

  it('treats empty and blank variables as unset', () => {
    const blank = Object.fromEntries(AUTH_ENVIRONMENT.map((spec) => [spec.variable, ' ']));
    expect(authOptionsFromEnv({ ...blank, ...REQUIRED })).toEqual(authOptionsFromEnv(REQUIRED));
  });

  it('can set every option from its variable', () => {
    const options = authOptionsFromEnv({
      KEYCLOAK_URL: 'https://sso.example.com/auth/',
      KEYCLOAK_REALM: 'my-realm.prod_1',
      KEYCLOAK_REALMS: 'my-realm.prod_1',
      KEYCLOAK_CLIENT_ID: 'orders-api',
      KEYCLOAK_CLIENT_SECRET: ` ${SECRET}`,
      KEYCLOAK_ISSUER: 'https://login.example.com/realms/my-realm.prod_1',
      KEYCLOAK_AUDIENCE: 'orders-api, account ,billing',
      JWT_ALGORITHMS: 'RS256, ES256,PS512',
      JWT_CLOCK_TOLERANCE_SECONDS: '0',
      JWKS_COOLDOWN_SECONDS: '3600',
      JWKS_MAX_AGE_SECONDS: '86400',
      KEYCLOAK_HTTP_TIMEOUT_MS: '60000',
      KEYCLOAK_INTROSPECTION_TIMEOUT_MS: '100',
      TOKEN_CACHE_MAX_ENTRIES: '0',
      TOKEN_CACHE_MAX_AGE_SECONDS: '120',
      INTROSPECTION_CACHE_TTL_SECONDS: '0',
      KEYCLOAK_DISCOVERY: 'false',
      KEYCLOAK_DISCOVERY_RETRY_SECONDS: '1',
      AUTHZ_DECISION_TTL_SECONDS: '0',
      KEYCLOAK_AUTHZ_TIMEOUT_MS: '100',
      KEYCLOAK_LIGHTWEIGHT_TOKENS: 'introspect',
      AUDIT_ACCEPTED: 'true',
      AUTH_FAILURE_LIMIT: '0',
      AUTH_FAILURE_WINDOW_SECONDS: '3600',
      BACKCHANNEL_LOGOUT_AUDIENCES: ' nest-api-web, admin-console ',
      REVOCATION_RETENTION_SECONDS: '86400',
      REDIS_URL: 'rediss://:p%40ss@cache.example.com:6380/2',
      REDIS_TIMEOUT_MS: '10000',
      DPOP_MODE: 'required',
      DPOP_PROOF_MAX_AGE_SECONDS: '600',
      DPOP_ALGORITHMS: 'ES256,EdDSA',
      PUBLIC_BASE_URL: 'https://api.example.com/v1',
      WS_MAX_MESSAGE_BYTES: '1024',
      WS_MESSAGES_PER_SECOND: '10000',
      WS_SOCKETS_PER_PRINCIPAL: '1',
    });
    expect(options).toEqual({
      serverUrl: 'https://sso.example.com/auth/',
      realm: 'my-realm.prod_1',
      realms: ['my-realm.prod_1'],
      clientId: 'orders-api',
      clientSecret: ` ${SECRET}`,
      issuer: 'https://login.example.com/realms/my-realm.prod_1',
      audiences: ['orders-api', 'account', 'billing'],
      algorithms: ['RS256', 'ES256', 'PS512'],
      clockToleranceSeconds: 0,
      jwksCooldownSeconds: 3600,
      jwksMaxAgeSeconds: 86_400,
      httpTimeoutMs: 60_000,
      introspectionTimeoutMs: 100,
      tokenCacheMaxEntries: 0,
      tokenCacheMaxAgeSeconds: 120,
      introspectionCacheTtlSeconds: 0,
      discovery: false,
      discoveryRetrySeconds: 1,
      authzDecisionTtlSeconds: 0,
      authzTimeoutMs: 100,
      lightweightTokens: 'introspect',
      auditAccepted: true,
      authFailureLimit: 0,
      authFailureWindowSeconds: 3600,
      backchannelLogoutAudiences: ['nest-api-web', 'admin-console'],
      revocationRetentionSeconds: 86_400,
      redisUrl: 'rediss://:p%40ss@cache.example.com:6380/2',
      redisTimeoutMs: 10_000,
      dpopMode: 'required',
      dpopProofMaxAgeSeconds: 600,
      dpopAlgorithms: ['ES256', 'EdDSA'],
      publicBaseUrl: 'https://api.example.com/v1',
      wsMaxMessageBytes: 1024,
      wsMessagesPerSecond: 10_000,
      wsSocketsPerPrincipal: 1,
    });
    // Every option of the table was set by the variable it names.
    expect(Object.keys(options).sort()).toEqual(AUTH_ENVIRONMENT.map((s) => s.option).sort());
  });

  it.each([
    ['KEYCLOAK_URL', 'ftp://x'],
    ['KEYCLOAK_URL', 'not-a-url'],
    ['KEYCLOAK_URL', 'localhost:8080'],
    ['KEYCLOAK_URL', 'https://user:secret@sso.example.com'],
    ['KEYCLOAK_ISSUER', 'issuer-without-scheme'],
    ['KEYCLOAK_REALM', 'demo realm'],
    ['KEYCLOAK_REALM', 'demo/../master'],
    ['KEYCLOAK_CLIENT_ID', 'two words'],
    ['KEYCLOAK_AUDIENCE', ' , '],
    ['JWT_ALGORITHMS', 'HS256'],
    ['JWT_ALGORITHMS', 'none'],
    ['JWT_ALGORITHMS', 'RS256,HS512'],
    ['JWT_ALGORITHMS', 'rs256'],
    ['JWT_ALGORITHMS', ','],
    ['JWT_CLOCK_TOLERANCE_SECONDS', 'abc'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', '-1'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', '1.5'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', '301'],
    ['KEYCLOAK_INTROSPECTION_TIMEOUT_MS', '99'],
    ['KEYCLOAK_HTTP_TIMEOUT_MS', '0'],
    ['KEYCLOAK_HTTP_TIMEOUT_MS', '60001'],
    ['JWKS_COOLDOWN_SECONDS', '1e3'],
    ['JWKS_MAX_AGE_SECONDS', '86401'],
    ['INTROSPECTION_CACHE_TTL_SECONDS', '3601'],
    ['TOKEN_CACHE_MAX_ENTRIES', '-5'],
    ['TOKEN_CACHE_MAX_AGE_SECONDS', 'ten'],
    ['KEYCLOAK_DISCOVERY', 'yes'],
    ['KEYCLOAK_DISCOVERY', 'TRUE'],
    ['KEYCLOAK_DISCOVERY_RETRY_SECONDS', '0'],
    ['KEYCLOAK_REALMS', 'demo,,partners'],
    ['KEYCLOAK_REALMS', 'demo,partners,'],
    ['KEYCLOAK_REALMS', ' , '],
    ['REVOCATION_RETENTION_SECONDS', '86401'],
    ['BACKCHANNEL_LOGOUT_AUDIENCES', ' , '],
    ['KEYCLOAK_REALMS', 'demo,partners,demo'],
    ['KEYCLOAK_REALMS', 'demo,part ners'],
    ['KEYCLOAK_REALMS', 'demo,a,b,c,d,e,f,g,h,i,j'],
    ['KEYCLOAK_REALMS', 'partners,demo'],
    ['REDIS_URL', 'http://cache:6379'],
    ['REDIS_URL', 'cache:6379'],
    ['REDIS_TIMEOUT_MS', '49'],
    ['REDIS_TIMEOUT_MS', '10001'],
    ['DPOP_MODE', 'on'],
    ['DPOP_PROOF_MAX_AGE_SECONDS', '0'],
    ['DPOP_ALGORITHMS', 'HS256'],
    ['PUBLIC_BASE_URL', 'https://api.example.com/?x=1'],
    ['PUBLIC_BASE_URL', 'ftp://api.example.com'],
  ])('refuses %s=%p with a message naming the variable', (name, value) => {
    expect(failure({ [name]: value })).toMatch(new RegExp(`^${name} (must|accepts)`));
  });

  it.each([
    ['KEYCLOAK_URL', 'ftp://x'],
    ['JWT_ALGORITHMS', 'HS256'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', 'abc'],
    ['KEYCLOAK_AUDIENCE', ' , '],
    ['KEYCLOAK_DISCOVERY', 'yes'],
    ['REDIS_URL', `http://user:${SECRET}@cache:6379`],
  ])('never echoes the client secret given next to a bad %s', (name, value) => {
    const message = failure({ KEYCLOAK_CLIENT_SECRET: SECRET, [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain(SECRET);
  });

  it.each([
    ['KEYCLOAK_URL', 'ftp://leaky-host.example'],
    ['KEYCLOAK_REALM', 'leaky realm'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', 'leaky-value'],
  ])('does not echo the bad value of %s', (name, value) => {
    expect(failure({ [name]: value })).not.toContain(value);
  });

  describe('several realms', () => {
    const base = { KEYCLOAK_URL: 'http://localhost:8080', KEYCLOAK_CLIENT_ID: 'nest-api' };

    it('takes KEYCLOAK_REALMS alone, the first one home', () => {
      const options = authOptionsFromEnv({ ...base, KEYCLOAK_REALMS: 'demo, partners' });
      expect(options.realms).toEqual(['demo', 'partners']);
      expect(new AuthSettings(options)).toMatchObject({
        realm: 'demo',
        realms: ['demo', 'partners'],
      });
    });

    it('takes KEYCLOAK_REALM alone as a list of one', () => {
      const options = authOptionsFromEnv({ ...base, KEYCLOAK_REALM: 'demo' });
      expect(new AuthSettings(options).realms).toEqual(['demo']);
    });

    it('accepts both when KEYCLOAK_REALM is the first of KEYCLOAK_REALMS, else refuses', () => {
      const both = { ...base, KEYCLOAK_REALM: 'demo', KEYCLOAK_REALMS: 'demo,partners' };
      expect(new AuthSettings(authOptionsFromEnv(both)).realm).toBe('demo');
      expect(failure({ ...both, KEYCLOAK_REALM: 'partners' })).toMatch(
        /^KEYCLOAK_REALMS must start/,
      );
    });

    it('refuses a pinned KEYCLOAK_ISSUER with several realms, keeps it with one', () => {
      const issuer = 'https://sso.example.com/realms/demo';
      const one = { ...base, KEYCLOAK_REALMS: 'demo', KEYCLOAK_ISSUER: issuer };
      expect(new AuthSettings(authOptionsFromEnv(one)).issuer).toBe(issuer);
      expect(failure({ ...one, KEYCLOAK_REALMS: 'demo,partners' })).toMatch(
        /^KEYCLOAK_ISSUER pins one realm/,
      );
    });

    it('still requires a realm when neither variable is set', () => {
      expect(failure({ ...base, KEYCLOAK_REALM: '' })).toBe('KEYCLOAK_REALM is required');
    });
  });

  it('reports one variable in a one-line message', () => {
    const message = failure({ KEYCLOAK_URL: 'ftp://x', JWT_ALGORITHMS: 'HS256' });
    expect(message).not.toContain('\n');
    expect(message).toContain('KEYCLOAK_URL');
    expect(message).not.toContain('JWT_ALGORITHMS');
  });

  it('states each range once: the message quotes the table', () => {
    for (const spec of AUTH_ENVIRONMENT.filter((s) => s.kind === 'integer')) {
      expect(failure({ [spec.variable]: 'x' })).toBe(
        `${spec.variable} must be a whole number from ${spec.min} to ${spec.max}`,
      );
    }
  });
});
