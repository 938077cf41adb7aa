import {
  browserTokenEndpoint,
  deriveEndpoints,
  endpointsFromDiscovery,
  type OidcEndpoints,
} from './oidc-endpoints.js';

const REALM = 'http://localhost:8080/realms/demo';
const OIDC = `${REALM}/protocol/openid-connect`;

describe('deriveEndpoints', () => {
  it("lays the endpoints out the way Keycloak does under the realm's URL", () => {
    expect(deriveEndpoints(REALM)).toEqual({
      issuer: REALM,
      jwksUri: `${OIDC}/certs`,
      tokenEndpoint: `${OIDC}/token`,
      introspectionEndpoint: `${OIDC}/token/introspect`,
      authorizationEndpoint: `${OIDC}/auth`,
    });
  });
});

describe('endpointsFromDiscovery', () => {
  const fallback = deriveEndpoints(REALM);

  it('takes every endpoint the document names', () => {
    const sso = 'https://sso.example.com/realms/demo/protocol/openid-connect';
    const endpoints = endpointsFromDiscovery(
      {
        issuer: 'https://sso.example.com/realms/demo',
        jwks_uri: `${sso}/certs`,
        token_endpoint: `${sso}/token`,
        introspection_endpoint: `${sso}/token/introspect`,
        authorization_endpoint: `${sso}/auth`,
      },
      fallback,
    );
    expect(endpoints.authorizationEndpoint).toBe(`${sso}/auth`);
    expect(endpoints.tokenEndpoint).toBe(`${sso}/token`);
  });

  it('keeps the derived value for a missing or non-URL field', () => {
    const endpoints = endpointsFromDiscovery(
      { issuer: REALM, authorization_endpoint: 'javascript:alert(1)' },
      fallback,
    );
    expect(endpoints).toEqual(fallback);
  });

  it.each([null, 'text', { jwks_uri: `${OIDC}/certs` }])('refuses %p', (document) => {
    expect(() => endpointsFromDiscovery(document, fallback)).toThrow(TypeError);
  });
});

describe('browserTokenEndpoint', () => {
  const endpoints = (overrides: Partial<OidcEndpoints>): OidcEndpoints => ({
    ...deriveEndpoints(REALM),
    ...overrides,
  });

  it('keeps a token endpoint on the authorization endpoint’s origin', () => {
    const custom = 'http://localhost:8080/custom/token';
    expect(browserTokenEndpoint(endpoints({ tokenEndpoint: custom }))).toBe(custom);
  });

  it('moves a back-channel token endpoint (docker compose) under the public issuer', () => {
    const backChannel = 'http://keycloak:8080/realms/demo/protocol/openid-connect/token';
    expect(browserTokenEndpoint(endpoints({ tokenEndpoint: backChannel }))).toBe(`${OIDC}/token`);
  });

  it('keeps a path in the public hostname', () => {
    const issuer = 'https://sso.example.com/auth/realms/demo';
    const moved = browserTokenEndpoint({
      ...deriveEndpoints(issuer),
      tokenEndpoint: 'http://keycloak:8080/realms/demo/protocol/openid-connect/token',
    });
    expect(moved).toBe(`${issuer}/protocol/openid-connect/token`);
  });
});
