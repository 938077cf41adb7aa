/** The realm endpoints the AuthModule uses. */
export interface OidcEndpoints {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  authorizationEndpoint: string;
}

/**
 * Endpoints as Keycloak lays them out under `{serverUrl}/realms/{realm}`; the issuer is the
 * realm URL unless one is pinned.
 */
export function deriveEndpoints(realmUrl: string, issuer = realmUrl): OidcEndpoints {
  const oidc = `${realmUrl}/protocol/openid-connect`;
  return {
    issuer,
    jwksUri: `${oidc}/certs`,
    tokenEndpoint: `${oidc}/token`,
    introspectionEndpoint: `${oidc}/token/introspect`,
    authorizationEndpoint: `${oidc}/auth`,
  };
}

/**
 * Reads a discovery document; a missing or non-URL field keeps the derived value, so a
 * half-broken document cannot unset an endpoint.
 */
export function endpointsFromDiscovery(document: unknown, fallback: OidcEndpoints): OidcEndpoints {
  if (typeof document !== 'object' || document === null) {
    throw new TypeError('discovery document is not a JSON object');
  }
  const doc = document as Record<string, unknown>;
  const pick = (key: string, current: string) => {
    const value = doc[key];
    return typeof value === 'string' && /^https?:\/\//i.test(value) ? value : current;
  };
  if (typeof doc.issuer !== 'string' || doc.issuer.length === 0) {
    throw new TypeError('discovery document has no issuer');
  }
  return {
    issuer: doc.issuer,
    jwksUri: pick('jwks_uri', fallback.jwksUri),
    tokenEndpoint: pick('token_endpoint', fallback.tokenEndpoint),
    introspectionEndpoint: pick('introspection_endpoint', fallback.introspectionEndpoint),
    authorizationEndpoint: pick('authorization_endpoint', fallback.authorizationEndpoint),
  };
}

/**
 * The token endpoint as a browser (Swagger UI) must call it. Keycloak with a dynamic back
 * channel reports back-channel endpoints on the host the API asked through (`keycloak:8080`
 * under docker compose), which a browser cannot reach, while the issuer and the authorization
 * endpoint stay on the public hostname. So a token endpoint on another origin than the
 * authorization endpoint is taken from under the issuer instead, the way Keycloak lays it out.
 */
export function browserTokenEndpoint(endpoints: OidcEndpoints): string {
  const { authorizationEndpoint, tokenEndpoint, issuer } = endpoints;
  if (sameOrigin(tokenEndpoint, authorizationEndpoint)) return tokenEndpoint;
  return deriveEndpoints(issuer.replace(/\/+$/, '')).tokenEndpoint;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
