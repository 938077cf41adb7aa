import {
  boolean,
  choice,
  integer,
  list,
  required,
  secret,
  text,
  url,
  type Option,
  type OptionKind,
} from './auth-option-kinds.js';

/** Most realms `KEYCLOAK_REALMS` may list: each costs a key set, a discovery and a cooldown. */
export const MAX_REALMS = 10;

/**
 * Every AuthModule option, declared once: its environment variable, default, range and README
 * line. `AuthModuleOptions`, the defaults and ranges `AuthSettings` applies, `authOptionsFromEnv`
 * and the README's table (checked by readme-options.spec.ts) all derive from it.
 */
export const AUTH_OPTIONS = {
  /** Keycloak base URL used for back-channel calls, e.g. `http://localhost:8080`. */
  serverUrl: required(url('KEYCLOAK_URL', 'Keycloak base URL for back-channel calls (required)')),
  /**
   * Realm whose tokens this API accepts (letters, digits, `.`, `_`, `-`). Required unless
   * `realms` is given; with both, it must be the first of `realms`.
   */
  realm: text('KEYCLOAK_REALM', 'Realm whose tokens the API accepts (or KEYCLOAK_REALMS)'),
  /**
   * Several realms whose tokens this API accepts (an allow-list, at most 10); the first is the
   * home realm (service account, `KeycloakRealm`). A token's `iss` picks its realm before any
   * key is fetched. @default [realm]
   */
  realms: list(
    'KEYCLOAK_REALMS',
    `Realms whose tokens the API accepts, the first one home (at most ${MAX_REALMS})`,
  ),
  /** This API's client id; its client roles become `principal.clientRoles`. */
  clientId: required(text('KEYCLOAK_CLIENT_ID', "This API's client id (required)")),
  /** Confidential client secret, needed for introspection and service-account tokens. @default '' */
  clientSecret: secret('KEYCLOAK_CLIENT_SECRET', 'Confidential client secret'),
  /**
   * The issuer tokens must carry. When set, discovery must report exactly it (else tokens are
   * refused), so `serverUrl` may be an internal address. @default the discovered issuer
   */
  issuer: url('KEYCLOAK_ISSUER', 'Pins the issuer tokens and discovery must carry'),
  /** A token must name one of these in `aud`. @default [clientId] */
  audiences: list('KEYCLOAK_AUDIENCE', 'Accepted `aud` values (default: the client id)'),
  /** Allow-list of asymmetric signing algorithms. @default ['RS256'] */
  algorithms: list('JWT_ALGORITHMS', 'Accepted signing algorithms', ['RS256']),
  /** Leeway for `exp`, `nbf` and `iat`, in seconds (0 to 300). @default 30 */
  clockToleranceSeconds: integer(
    'JWT_CLOCK_TOLERANCE_SECONDS',
    30,
    0,
    300,
    'Leeway for exp/nbf/iat',
  ),
  /** Minimum time between two JWKS fetches triggered by unknown `kid`s (0 to 3600). @default 30 */
  jwksCooldownSeconds: integer(
    'JWKS_COOLDOWN_SECONDS',
    30,
    0,
    3600,
    'Minimum time between key fetches for unknown kids',
  ),
  /** Age after which cached keys are refreshed in the background (0 to 86400). @default 600 */
  jwksMaxAgeSeconds: integer(
    'JWKS_MAX_AGE_SECONDS',
    600,
    0,
    86_400,
    'Age after which keys are refreshed in the background',
  ),
  /** Timeout of discovery, JWKS, token and admin requests to Keycloak, in ms (100 to 60000). @default 5000 */
  httpTimeoutMs: integer(
    'KEYCLOAK_HTTP_TIMEOUT_MS',
    5000,
    100,
    60_000,
    'Timeout of discovery, JWKS, token and admin calls (ms)',
  ),
  /** Timeout of one introspection request, in ms (100 to 60000). @default 3000 */
  introspectionTimeoutMs: integer(
    'KEYCLOAK_INTROSPECTION_TIMEOUT_MS',
    3000,
    100,
    60_000,
    'Timeout of one introspection call (ms)',
  ),
  /**
   * Verified tokens remembered (evicted by CLOCK, an LRU approximation) so a repeat skips the
   * signature check; 0 disables. @default 10000
   */
  tokenCacheMaxEntries: integer(
    'TOKEN_CACHE_MAX_ENTRIES',
    10_000,
    0,
    1_000_000,
    'Verified tokens remembered; 0 turns the cache off',
  ),
  /** Longest time a verified token is remembered (never past its `exp`), in seconds. @default 60 */
  tokenCacheMaxAgeSeconds: integer(
    'TOKEN_CACHE_MAX_AGE_SECONDS',
    60,
    0,
    3600,
    'Longest time a verified token is remembered',
  ),
  /** How long an `active: true` introspection answer is reused (never past `exp`); 0 disables. @default 10 */
  introspectionCacheTtlSeconds: integer(
    'INTROSPECTION_CACHE_TTL_SECONDS',
    10,
    0,
    3600,
    'How long an active introspection answer is reused; 0 off',
  ),
  /** Read endpoints from the realm's discovery document (else derive them). @default true */
  discovery: boolean('KEYCLOAK_DISCOVERY', true, 'Read endpoints from the discovery document'),
  /** How often discovery is retried in the background while Keycloak is unreachable (1 to 3600). @default 30 */
  discoveryRetrySeconds: integer(
    'KEYCLOAK_DISCOVERY_RETRY_SECONDS',
    30,
    1,
    3600,
    'Discovery retry interval while Keycloak is unreachable',
  ),
  /**
   * How long a Keycloak Authorization Services decision (`@Permission`) is reused per token and
   * permission, in seconds (0 to 3600; never past `exp`; 0 asks every time). @default 10
   */
  authzDecisionTtlSeconds: integer(
    'AUTHZ_DECISION_TTL_SECONDS',
    10,
    0,
    3600,
    'How long a @Permission decision is reused; 0 off',
  ),
  /** Timeout of one authorization decision request, in ms (100 to 60000). @default 3000 */
  authzTimeoutMs: integer(
    'KEYCLOAK_AUTHZ_TIMEOUT_MS',
    3000,
    100,
    60_000,
    'Timeout of one authorization decision (ms)',
  ),
  /**
   * Lightweight access tokens (no `sub`, `aud`, roles): `refuse` them (logged, saying why), or
   * `introspect`: verify signature, issuer, expiry and `typ` locally, then take `sub`, `aud`,
   * roles and organizations from the introspection answer (one round trip per token per
   * introspection cache TTL) and apply every rule to those. @default 'refuse'
   */
  lightweightTokens: choice(
    'KEYCLOAK_LIGHTWEIGHT_TOKENS',
    ['refuse', 'introspect'],
    'Lightweight access tokens: refuse, or introspect',
  ),
  /** Log an `auth_accepted` audit event for every accepted decision (refusals are always logged). @default false */
  auditAccepted: boolean('AUDIT_ACCEPTED', false, 'Also log accepted decisions (audit)'),
  /**
   * Failed authentications (401s) one client IP may cause per window before its further
   * failures are answered 429 with `Retry-After`; valid tokens always pass. 0 disables. @default 30
   */
  authFailureLimit: integer(
    'AUTH_FAILURE_LIMIT',
    30,
    0,
    1_000_000,
    'Failed authentications per IP and window before 429; 0 off',
  ),
  /** The window of `authFailureLimit`, in seconds (1 to 3600). @default 60 */
  authFailureWindowSeconds: integer(
    'AUTH_FAILURE_WINDOW_SECONDS',
    60,
    1,
    3600,
    'Window of AUTH_FAILURE_LIMIT (seconds)',
  ),
  /**
   * Client ids whose OIDC Back-Channel Logouts this API honours (the logout token's `aud`); set,
   * it opens `POST /auth/backchannel-logout`. @default [] (receiver off: the route answers 404)
   */
  backchannelLogoutAudiences: list(
    'BACKCHANNEL_LOGOUT_AUDIENCES',
    'Client ids whose back-channel logouts are honoured; unset: off',
  ),
  /**
   * How long a logout is remembered, in seconds from its `iat` (60 to 86400): at least the
   * realm's access-token lifespan, or a logged-out token passes again once forgotten. @default 3600
   */
  revocationRetentionSeconds: integer(
    'REVOCATION_RETENTION_SECONDS',
    3600,
    60,
    86_400,
    'How long a logout is remembered (>= access-token lifespan)',
  ),
  /**
   * Redis shared by the API's replicas (`redis://` or `rediss://`, credentials allowed, never
   * logged): the failed-authentication counters, the introspection and authorization caches, the
   * revocation list and the logout `jti`s. Unset: all of them stay in this process. @default ''
   */
  redisUrl: secret(
    'REDIS_URL',
    'Redis shared by replicas (redis:// or rediss://); unset: in process',
  ),
  /**
   * Longest wait for one Redis command, in ms (50 to 10000); past it that use falls back to its
   * in-process form for the request. @default 500
   */
  redisTimeoutMs: integer(
    'REDIS_TIMEOUT_MS',
    500,
    50,
    10_000,
    'Longest wait for one Redis command before falling back (ms)',
  ),
  /**
   * DPoP (RFC 9449) sender-constrained tokens: `allowed` accepts `DPoP` and `Bearer` (a DPoP-bound
   * token sent as Bearer is refused), `required` refuses Bearer everywhere, `off` refuses the DPoP
   * scheme. `@RequireDpop()` requires it on one route whatever the mode. @default 'allowed'
   */
  dpopMode: choice('DPOP_MODE', ['allowed', 'required', 'off'], 'DPoP: allowed, required, or off'),
  /** How old a DPoP proof's `iat` may be, in seconds, plus the clock tolerance (1 to 600). @default 60 */
  dpopProofMaxAgeSeconds: integer(
    'DPOP_PROOF_MAX_AGE_SECONDS',
    60,
    1,
    600,
    'Longest age of a DPoP proof (plus the clock tolerance)',
  ),
  /** Allow-list of a DPoP proof's signing algorithms (asymmetric only). @default ['ES256', 'RS256', 'PS256'] */
  dpopAlgorithms: list('DPOP_ALGORITHMS', 'Accepted DPoP proof algorithms', [
    'ES256',
    'RS256',
    'PS256',
  ]),
  /**
   * The API's public origin (and base path), e.g. `https://api.example.com`: a DPoP proof's `htu`
   * must be it plus the request's path. Unset, it is the request's own scheme and host (as the
   * app's trust-proxy setting reads them). @default ''
   */
  publicBaseUrl: url('PUBLIC_BASE_URL', "The API's public base URL, for DPoP proofs' htu"),
  /**
   * Largest WebSocket message a client may send, in bytes (1024 to 16 MiB); a bigger one closes
   * the socket with 1009 before it is buffered whole. @default 65536
   */
  wsMaxMessageBytes: integer(
    'WS_MAX_MESSAGE_BYTES',
    65_536,
    1024,
    16_777_216,
    'Largest WebSocket message; bigger closes the socket (1009)',
  ),
  /**
   * Messages one WebSocket may send per second (1 to 10000); the rest of that second's are
   * dropped and answered with one `TOO_MANY_REQUESTS` error event. @default 20
   */
  wsMessagesPerSecond: integer(
    'WS_MESSAGES_PER_SECOND',
    20,
    1,
    10_000,
    'WebSocket messages per socket and second; more get an error',
  ),
  /**
   * Open WebSockets one principal (realm and `sub`) may hold in this process (1 to 10000); one
   * more is refused at the handshake with 429. @default 10
   */
  wsSocketsPerPrincipal: integer(
    'WS_SOCKETS_PER_PRINCIPAL',
    10,
    1,
    10_000,
    'Open WebSockets per user in this process; more get 429',
  ),
};

type Table = typeof AUTH_OPTIONS;
type ValueOf<O> = O extends Option<infer T> ? T : never;
/** Each option's type; a homomorphic mapped type, so each keeps its JSDoc from the table. */
type Values = { [K in keyof Table]: ValueOf<Table[K]> };
type RequiredName = {
  [K in keyof Table]: Table[K] extends { required: true } ? K : never;
}[keyof Table];

/**
 * Options of `AuthModule.forRoot` / `forRootAsync`, derived from {@link AUTH_OPTIONS}. Each can
 * also come from the environment through `authOptionsFromEnv()`.
 */
export interface AuthModuleOptions
  extends Partial<Omit<Values, RequiredName>>, Pick<Values, RequiredName> {}

/** One AuthModule option as the environment writes it: its variable, kind, default and range. */
export interface OptionSpec {
  readonly option: keyof AuthModuleOptions;
  readonly variable: string;
  readonly kind: OptionKind;
  /** The default as the environment would write it; undefined: required or unset. */
  readonly default?: string;
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

/** Every AuthModule option with its environment variable, default and range, in table order. */
export const AUTH_ENVIRONMENT: readonly OptionSpec[] = Object.freeze(
  (Object.keys(AUTH_OPTIONS) as (keyof Table)[]).map((option) =>
    environmentSpec(option, AUTH_OPTIONS[option]),
  ),
);

function environmentSpec(
  option: keyof Table,
  declared: Option<string | string[] | number | boolean>,
): OptionSpec {
  const { variable, kind, description, default: dflt, min, max } = declared;
  return Object.freeze({
    option,
    variable,
    kind,
    description,
    ...(dflt !== undefined && { default: Array.isArray(dflt) ? dflt.join(',') : String(dflt) }),
    ...(min !== undefined && { min, max }),
  });
}
