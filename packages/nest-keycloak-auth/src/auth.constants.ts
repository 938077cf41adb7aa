/** Asymmetric JWS algorithms a Keycloak realm can sign with; `none` and HS* are never accepted. */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Longest `Authorization` header we read; anything longer is refused before parsing. */
export const MAX_AUTHORIZATION_HEADER_BYTES = 8 * 1024;
