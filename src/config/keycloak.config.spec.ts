import { ConfigValidationError } from './config-validation.js';
import { readKeycloakConfig } from './keycloak.config.js';

const SECRET = 'Sup3r-s3cret-client-value';

/** The ConfigValidationError message `readKeycloakConfig(env)` throws. */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    readKeycloakConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message;
  }
  throw new Error(`expected ConfigValidationError for ${JSON.stringify(env)}`);
}

describe('readKeycloakConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(readKeycloakConfig({})).toEqual({
      url: 'http://localhost:8080',
      realm: 'demo',
      clientId: 'nest-api',
      clientSecret: '',
      audiences: ['nest-api'],
      algorithms: ['RS256'],
      clockToleranceSeconds: 30,
      introspectionTimeoutMs: 3000,
      httpTimeoutMs: 5000,
      jwksCooldownSeconds: 30,
      introspectionCacheTtlSeconds: 10,
      tokenCacheMaxEntries: 10_000,
      tokenCacheMaxAgeSeconds: 60,
      discovery: true,
    });
  });

  it('treats empty variables as unset', () => {
    const env: NodeJS.ProcessEnv = {
      KEYCLOAK_URL: '',
      KEYCLOAK_REALM: '',
      KEYCLOAK_CLIENT_ID: '',
      KEYCLOAK_CLIENT_SECRET: '',
      KEYCLOAK_AUDIENCE: '',
      JWT_ALGORITHMS: '',
      JWT_CLOCK_TOLERANCE_SECONDS: '',
      KEYCLOAK_DISCOVERY: '',
    };
    expect(readKeycloakConfig(env)).toEqual(readKeycloakConfig({}));
  });

  it('reads good values', () => {
    const config = readKeycloakConfig({
      KEYCLOAK_URL: 'https://sso.example.com/auth/',
      KEYCLOAK_REALM: 'my-realm.prod_1',
      KEYCLOAK_CLIENT_ID: 'orders-api',
      KEYCLOAK_CLIENT_SECRET: SECRET,
      KEYCLOAK_AUDIENCE: 'orders-api, account ,billing',
      JWT_ALGORITHMS: 'RS256, ES256,PS512',
      JWT_CLOCK_TOLERANCE_SECONDS: '0',
      KEYCLOAK_INTROSPECTION_TIMEOUT_MS: '100',
      KEYCLOAK_HTTP_TIMEOUT_MS: '60000',
      JWKS_COOLDOWN_SECONDS: '3600',
      INTROSPECTION_CACHE_TTL_SECONDS: '0',
      TOKEN_CACHE_MAX_ENTRIES: '0',
      TOKEN_CACHE_MAX_AGE_SECONDS: '120',
      KEYCLOAK_DISCOVERY: 'false',
    });
    expect(config).toEqual({
      url: 'https://sso.example.com/auth',
      realm: 'my-realm.prod_1',
      clientId: 'orders-api',
      clientSecret: SECRET,
      audiences: ['orders-api', 'account', 'billing'],
      algorithms: ['RS256', 'ES256', 'PS512'],
      clockToleranceSeconds: 0,
      introspectionTimeoutMs: 100,
      httpTimeoutMs: 60_000,
      jwksCooldownSeconds: 3600,
      introspectionCacheTtlSeconds: 0,
      tokenCacheMaxEntries: 0,
      tokenCacheMaxAgeSeconds: 120,
      discovery: false,
    });
  });

  it.each([
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['http://keycloak:8080//', 'http://keycloak:8080'],
    ['https://sso.example.com', 'https://sso.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ])('reads KEYCLOAK_URL=%p as %p', (KEYCLOAK_URL, url) => {
    expect(readKeycloakConfig({ KEYCLOAK_URL }).url).toBe(url);
  });

  it('defaults the audiences to the client id that is set', () => {
    expect(readKeycloakConfig({ KEYCLOAK_CLIENT_ID: 'orders-api' }).audiences).toEqual([
      'orders-api',
    ]);
  });

  it.each([
    ['KEYCLOAK_URL', 'ftp://x'],
    ['KEYCLOAK_URL', 'not-a-url'],
    ['KEYCLOAK_URL', 'localhost:8080'],
    ['KEYCLOAK_URL', 'https://user:secret@sso.example.com'],
    ['KEYCLOAK_REALM', 'demo realm'],
    ['KEYCLOAK_REALM', 'demo/../master'],
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
    ['INTROSPECTION_CACHE_TTL_SECONDS', '3601'],
    ['TOKEN_CACHE_MAX_ENTRIES', '-5'],
    ['TOKEN_CACHE_MAX_AGE_SECONDS', 'ten'],
    ['KEYCLOAK_DISCOVERY', 'yes'],
    ['KEYCLOAK_DISCOVERY', 'TRUE'],
  ])('refuses %s=%p with a message naming the variable', (name, value) => {
    const message = failure({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  it.each([
    ['KEYCLOAK_URL', 'ftp://x'],
    ['JWT_ALGORITHMS', 'HS256'],
    ['JWT_CLOCK_TOLERANCE_SECONDS', 'abc'],
    ['KEYCLOAK_AUDIENCE', ' , '],
    ['KEYCLOAK_DISCOVERY', 'yes'],
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

  it('reports one variable in a one-line message', () => {
    const message = failure({ KEYCLOAK_URL: 'ftp://x', JWT_ALGORITHMS: 'HS256' });
    expect(message).not.toContain('\n');
    expect(message).toContain('KEYCLOAK_URL');
    expect(message).not.toContain('JWT_ALGORITHMS');
  });
});
