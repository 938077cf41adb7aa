import { authOptionsFromEnv, AuthConfigError } from 'nest-keycloak-auth';
import { KeycloakStandIn, standInAuthOptions } from 'nest-keycloak-auth/testing';

// main.ts reads the environment; the e2e tests give the stand-in's options directly. Both
// must describe the same Keycloak.
describe('options from the environment', () => {
  let standIn: KeycloakStandIn;

  beforeAll(async () => {
    standIn = await KeycloakStandIn.start();
  });

  afterAll(() => standIn.stop());

  it('reads the variables main.ts relies on into the options the tests use', () => {
    const env = {
      KEYCLOAK_URL: standIn.url,
      KEYCLOAK_REALM: standIn.realm,
      KEYCLOAK_CLIENT_ID: standIn.clientId,
      KEYCLOAK_CLIENT_SECRET: standIn.clientSecret,
    };

    expect(authOptionsFromEnv(env)).toEqual(standInAuthOptions(standIn));
  });

  it('refuses a bad value, naming the variable', () => {
    const env = { KEYCLOAK_URL: standIn.url, KEYCLOAK_REALM: 'demo', KEYCLOAK_CLIENT_ID: 'x' };

    expect(() => authOptionsFromEnv({ ...env, JWKS_COOLDOWN_SECONDS: 'soon' })).toThrow(
      AuthConfigError,
    );
    expect(() => authOptionsFromEnv({ ...env, JWKS_COOLDOWN_SECONDS: 'soon' })).toThrow(
      /JWKS_COOLDOWN_SECONDS/,
    );
  });
});
