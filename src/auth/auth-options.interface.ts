/** Options of `AuthModule.forRoot` / `forRootAsync`. */
export interface AuthModuleOptions {
  /** Keycloak base URL, e.g. `http://localhost:8080`. */
  serverUrl: string;
  /** Realm whose tokens this API accepts. */
  realm: string;
  /** This API's client id; its client roles become `principal.clientRoles`. */
  clientId: string;
  /** Confidential client secret, needed for introspection and service-account tokens. @default '' */
  clientSecret?: string;
  /** A token must name one of these in `aud`. @default [clientId] */
  audiences?: string[];
  /** Allow-list of asymmetric signing algorithms. @default ['RS256'] */
  algorithms?: string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. @default 30 */
  clockToleranceSeconds?: number;
  /** Minimum time between two JWKS fetches triggered by unknown `kid`s. @default 30 */
  jwksCooldownSeconds?: number;
  /** Age after which cached keys are refreshed in the background (old keys kept on failure). @default 600 */
  jwksMaxAgeSeconds?: number;
  /** Timeout of discovery, JWKS and token requests to Keycloak, in ms. @default 5000 */
  httpTimeoutMs?: number;
  /** Timeout of one introspection request, in ms. @default 3000 */
  introspectionTimeoutMs?: number;
  /** Verified tokens remembered (LRU) so a repeat skips the signature check; 0 disables. @default 10000 */
  tokenCacheMaxEntries?: number;
  /** Longest time a verified token is remembered (never past its `exp`), in seconds. @default 60 */
  tokenCacheMaxAgeSeconds?: number;
  /** How long an `active: true` introspection answer is reused (never past `exp`); 0 disables. @default 10 */
  introspectionCacheTtlSeconds?: number;
  /** Read endpoints from the realm's discovery document (else derive them). @default true */
  discovery?: boolean;
  /** How often discovery is retried in the background while Keycloak is unreachable. @default 30 */
  discoveryRetrySeconds?: number;
}
