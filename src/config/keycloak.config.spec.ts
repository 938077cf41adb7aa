import { ConfigValidationError } from './config-validation.js';
import { DEMO_CLIENT_SECRET, readKeycloakConfig } from './keycloak.config.js';

const BASE = {
  KEYCLOAK_URL: 'https://sso.example.com',
  KEYCLOAK_REALM: 'demo',
  KEYCLOAK_CLIENT_ID: 'nest-api',
  KEYCLOAK_CLIENT_SECRET: 'a-real-secret',
};

/** The ConfigValidationError message `readKeycloakConfig(env)` throws. */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    readKeycloakConfig({ ...BASE, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message;
  }
  throw new Error('expected ConfigValidationError');
}

describe('readKeycloakConfig', () => {
  it('hands the environment to the library, which reads the options', () => {
    expect(readKeycloakConfig({ ...BASE, JWT_CLOCK_TOLERANCE_SECONDS: '5' })).toEqual({
      serverUrl: 'https://sso.example.com',
      realm: 'demo',
      clientId: 'nest-api',
      clientSecret: 'a-real-secret',
      clockToleranceSeconds: 5,
    });
  });

  it('passes KEYCLOAK_REALMS through: several realms, the first the home realm', () => {
    expect(
      readKeycloakConfig({ ...BASE, KEYCLOAK_REALM: '', KEYCLOAK_REALMS: 'demo,partners' }),
    ).toEqual({
      serverUrl: 'https://sso.example.com',
      realms: ['demo', 'partners'],
      clientId: 'nest-api',
      clientSecret: 'a-real-secret',
    });
    // Both set: KEYCLOAK_REALM must be the first of KEYCLOAK_REALMS.
    expect(readKeycloakConfig({ ...BASE, KEYCLOAK_REALMS: 'demo,partners' }).realms).toEqual([
      'demo',
      'partners',
    ]);
  });

  it.each([
    ['partners,demo', 'KEYCLOAK_REALMS must start with the realm of KEYCLOAK_REALM'],
    ['demo,,partners', 'KEYCLOAK_REALMS must be a comma-separated list of realm names, none empty'],
    ['demo,partners,demo', 'KEYCLOAK_REALMS must not list a realm twice'],
  ])('refuses KEYCLOAK_REALMS=%s at start-up', (realms, message) => {
    expect(failure({ KEYCLOAK_REALMS: realms })).toContain(`Invalid configuration: ${message}`);
  });

  it("prefixes the library's one-line message naming the variable", () => {
    expect(failure({ JWT_CLOCK_TOLERANCE_SECONDS: '301' })).toBe(
      'Invalid configuration: JWT_CLOCK_TOLERANCE_SECONDS must be a whole number from 0 to 300',
    );
  });

  it('refuses a KEYCLOAK_ALLOW_HTTP that is not true or false', () => {
    expect(failure({ KEYCLOAK_ALLOW_HTTP: 'yes' })).toMatch(/KEYCLOAK_ALLOW_HTTP must be/);
  });

  describe('with NODE_ENV=production', () => {
    const prod = { NODE_ENV: 'production' };

    it('accepts https:// and a real secret', () => {
      expect(readKeycloakConfig({ ...BASE, ...prod }).serverUrl).toBe('https://sso.example.com');
    });

    it('refuses an http:// KEYCLOAK_URL, naming the variable and the way out', () => {
      const message = failure({ ...prod, KEYCLOAK_URL: 'http://keycloak:8080' });
      expect(message).toMatch(/^Invalid configuration: KEYCLOAK_URL must be https:\/\//);
      expect(message).toContain('KEYCLOAK_ALLOW_HTTP=true');
    });

    it('accepts an http:// KEYCLOAK_URL with KEYCLOAK_ALLOW_HTTP=true', () => {
      const env = { ...BASE, ...prod, KEYCLOAK_URL: 'http://keycloak:8080' };
      expect(readKeycloakConfig({ ...env, KEYCLOAK_ALLOW_HTTP: 'true' }).serverUrl).toBe(
        'http://keycloak:8080',
      );
    });

    it("refuses the demo realm's development secret without echoing it", () => {
      const message = failure({ ...prod, KEYCLOAK_CLIENT_SECRET: DEMO_CLIENT_SECRET });
      expect(message).toMatch(/^Invalid configuration: KEYCLOAK_CLIENT_SECRET /);
      expect(message).not.toContain(DEMO_CLIENT_SECRET);
    });
  });

  it('allows http:// and the demo secret outside production', () => {
    const env = { ...BASE, KEYCLOAK_URL: 'http://localhost:8080' };
    expect(
      readKeycloakConfig({ ...env, KEYCLOAK_CLIENT_SECRET: DEMO_CLIENT_SECRET }).clientSecret,
    ).toBe(DEMO_CLIENT_SECRET);
  });
});
