/**
 * Options of `AuthModule.forRoot` / `forRootAsync`. Each can also come from the environment
 * through `authOptionsFromEnv()`; the variable, default and range of each are in `AUTH_ENVIRONMENT`.
 */
export interface AuthModuleOptions {
  /** Keycloak base URL used for back-channel calls, e.g. `http://localhost:8080`. */
  serverUrl: string;
  /**
   * Realm whose tokens this API accepts (letters, digits, `.`, `_`, `-`). Required unless
   * `realms` is given; with both, it must be the first of `realms`.
   */
  realm?: string;
  /**
   * Several realms whose tokens this API accepts (an allow-list, at most 10); the first is the
   * home realm (service account, `KeycloakRealm`). A token's `iss` picks its realm before any
   * key is fetched. @default [realm]
   */
  realms?: string[];
  /** This API's client id; its client roles become `principal.clientRoles`. */
  clientId: string;
  /** Confidential client secret, needed for introspection and service-account tokens. @default '' */
  clientSecret?: string;
  /**
   * The issuer tokens must carry. When set, discovery must report exactly it (else tokens are
   * refused), so `serverUrl` may be an internal address. @default the discovered issuer
   */
  issuer?: string;
  /** A token must name one of these in `aud`. @default [clientId] */
  audiences?: string[];
  /** Allow-list of asymmetric signing algorithms. @default ['RS256'] */
  algorithms?: string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds (0 to 300). @default 30 */
  clockToleranceSeconds?: number;
  /** Minimum time between two JWKS fetches triggered by unknown `kid`s (0 to 3600). @default 30 */
  jwksCooldownSeconds?: number;
  /** Age after which cached keys are refreshed in the background (0 to 86400). @default 600 */
  jwksMaxAgeSeconds?: number;
  /** Timeout of discovery, JWKS, token and admin requests to Keycloak, in ms (100 to 60000). @default 5000 */
  httpTimeoutMs?: number;
  /** Timeout of one introspection request, in ms (100 to 60000). @default 3000 */
  introspectionTimeoutMs?: number;
  /**
   * Verified tokens remembered (evicted by CLOCK, an LRU approximation) so a repeat skips the
   * signature check; 0 disables. @default 10000
   */
  tokenCacheMaxEntries?: number;
  /** Longest time a verified token is remembered (never past its `exp`), in seconds. @default 60 */
  tokenCacheMaxAgeSeconds?: number;
  /** How long an `active: true` introspection answer is reused (never past `exp`); 0 disables. @default 10 */
  introspectionCacheTtlSeconds?: number;
  /** Read endpoints from the realm's discovery document (else derive them). @default true */
  discovery?: boolean;
  /** How often discovery is retried in the background while Keycloak is unreachable (1 to 3600). @default 30 */
  discoveryRetrySeconds?: number;
  /**
   * How long a Keycloak Authorization Services decision (`@Permission`) is reused per token and
   * permission, in seconds (0 to 3600; never past `exp`; 0 asks every time). @default 10
   */
  authzDecisionTtlSeconds?: number;
  /** Timeout of one authorization decision request, in ms (100 to 60000). @default 3000 */
  authzTimeoutMs?: number;
  /**
   * Lightweight access tokens (no `sub`, `aud`, roles): `refuse` them (logged, saying why), or
   * `introspect`: verify signature, issuer, expiry and `typ` locally, then take `sub`, `aud`,
   * roles and organizations from the introspection answer (one round trip per token per
   * introspection cache TTL) and apply every rule to those. @default 'refuse'
   */
  lightweightTokens?: 'refuse' | 'introspect';
  /** Log an `auth_accepted` audit event for every accepted decision (refusals are always logged). @default false */
  auditAccepted?: boolean;
  /**
   * Failed authentications (401s) one client IP may cause per window before its further
   * failures are answered 429 with `Retry-After`; valid tokens always pass. 0 disables. @default 30
   */
  authFailureLimit?: number;
  /** The window of `authFailureLimit`, in seconds (1 to 3600). @default 60 */
  authFailureWindowSeconds?: number;
}
