import type { SigningAlg } from './signing-keys.js';

/** Signing algorithms Keycloak advertises (and the stand-in accepts when verifying). */
export const SUPPORTED_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'PS256'];

/** The realm's OpenID Provider metadata, shaped like Keycloak's (endpoints the stand-in serves). */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  const oidc = `${issuer}/protocol/openid-connect`;
  const algs = [...SUPPORTED_ALGS];
  return {
    issuer,
    authorization_endpoint: `${oidc}/auth`,
    token_endpoint: `${oidc}/token`,
    introspection_endpoint: `${oidc}/token/introspect`,
    userinfo_endpoint: `${oidc}/userinfo`,
    end_session_endpoint: `${oidc}/logout`,
    jwks_uri: `${oidc}/certs`,
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'password',
    ],
    response_types_supported: [
      'code',
      'none',
      'id_token',
      'token',
      'id_token token',
      'code id_token',
    ],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: algs,
    userinfo_signing_alg_values_supported: [...algs, 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'profile', 'email', 'roles', 'offline_access'],
    claims_supported: ['aud', 'sub', 'iss', 'auth_time', 'name', 'given_name', 'family_name'],
    code_challenge_methods_supported: ['plain', 'S256'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
  };
}
