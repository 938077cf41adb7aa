import type { OpenAPIObject, SecuritySchemeObject, SwaggerCustomOptions } from '@nestjs/swagger';
import { browserTokenEndpoint, type OidcEndpoints } from '../oidc/oidc-endpoints.js';

/** Name of the OAuth2 authorization-code scheme in the OpenAPI document. */
export const OAUTH2_SCHEME = 'oauth2';

/** Scopes Swagger UI offers, and asks for, when a person clicks Authorize. */
const SCOPES: Record<string, string> = { openid: 'Sign in with OpenID Connect' };

/**
 * The OAuth2 authorization-code scheme Swagger UI signs in with, on the realm's endpoints as
 * a browser reaches them (see {@link browserTokenEndpoint}). `scopes`: those the document's
 * operations require (documentAuth adds them), offered next to `openid`.
 */
export function oauth2Scheme(
  endpoints: OidcEndpoints,
  scopes: Record<string, string> = {},
): SecuritySchemeObject {
  const tokenUrl = browserTokenEndpoint(endpoints);
  return {
    type: 'oauth2',
    description:
      'Sign in on Keycloak (authorization code + PKCE, public client: no secret). Swagger UI then sends the access token as a bearer token.',
    flows: {
      authorizationCode: {
        authorizationUrl: endpoints.authorizationEndpoint,
        tokenUrl,
        refreshUrl: tokenUrl,
        scopes: { ...scopes, ...SCOPES },
      },
    },
  };
}

/**
 * A copy of `document` whose OAuth2 scheme points at `endpoints`. Discovery runs after the
 * document is built and may succeed only later, so the docs are patched on every request.
 */
export function withOAuth2Endpoints(
  document: OpenAPIObject,
  endpoints: OidcEndpoints,
  name = OAUTH2_SCHEME,
): OpenAPIObject {
  const schemes = document.components?.securitySchemes;
  const current = schemes?.[name];
  if (!current) return document;
  // The scopes documentAuth declared for the operations stay.
  const declared = 'flows' in current ? current.flows?.authorizationCode?.scopes : undefined;
  return {
    ...document,
    components: {
      ...document.components,
      securitySchemes: { ...schemes, [name]: oauth2Scheme(endpoints, declared) },
    },
  };
}

/**
 * Swagger UI options that sign in as the public client `clientId` with PKCE (S256) and scope
 * `openid`. Never give Swagger UI a client secret: everything here is sent to the browser.
 */
export function swaggerLoginOptions(
  clientId: string,
): NonNullable<SwaggerCustomOptions['swaggerOptions']> {
  return {
    initOAuth: {
      clientId,
      scopes: Object.keys(SCOPES),
      usePkceWithAuthorizationCodeGrant: true,
    },
  };
}
