import type { AuthModuleOptions } from './auth-options.interface.js';

/** How an option is written in the environment. */
export type OptionKind = 'url' | 'text' | 'secret' | 'list' | 'integer' | 'boolean';

/** One AuthModule option: its variable, kind, default and range, declared nowhere else. */
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

/** Most realms `KEYCLOAK_REALMS` may list: each costs a key set, a discovery and a cooldown. */
export const MAX_REALMS = 10;

const spec = (
  option: keyof AuthModuleOptions,
  variable: string,
  kind: OptionKind,
  description: string,
  extra: Partial<Pick<OptionSpec, 'default' | 'min' | 'max'>> = {},
): OptionSpec => Object.freeze({ option, variable, kind, description, ...extra });

const whole = (dflt: number, min: number, max: number) => ({ default: String(dflt), min, max });

/** Every AuthModule option with its environment variable, default and range. */
export const AUTH_ENVIRONMENT: readonly OptionSpec[] = Object.freeze([
  spec('serverUrl', 'KEYCLOAK_URL', 'url', 'Keycloak base URL for back-channel calls (required)'),
  spec(
    'realm',
    'KEYCLOAK_REALM',
    'text',
    'Realm whose tokens the API accepts (or KEYCLOAK_REALMS)',
  ),
  spec(
    'realms',
    'KEYCLOAK_REALMS',
    'list',
    `Realms whose tokens the API accepts, the first one home (at most ${MAX_REALMS})`,
  ),
  spec('clientId', 'KEYCLOAK_CLIENT_ID', 'text', "This API's client id (required)"),
  spec('clientSecret', 'KEYCLOAK_CLIENT_SECRET', 'secret', 'Confidential client secret', {
    default: '',
  }),
  spec('issuer', 'KEYCLOAK_ISSUER', 'url', 'Pins the issuer tokens and discovery must carry'),
  spec('audiences', 'KEYCLOAK_AUDIENCE', 'list', 'Accepted `aud` values (default: the client id)'),
  spec('algorithms', 'JWT_ALGORITHMS', 'list', 'Accepted signing algorithms', {
    default: 'RS256',
  }),
  spec(
    'clockToleranceSeconds',
    'JWT_CLOCK_TOLERANCE_SECONDS',
    'integer',
    'Leeway for exp/nbf/iat',
    whole(30, 0, 300),
  ),
  spec(
    'jwksCooldownSeconds',
    'JWKS_COOLDOWN_SECONDS',
    'integer',
    'Minimum time between key fetches for unknown kids',
    whole(30, 0, 3600),
  ),
  spec(
    'jwksMaxAgeSeconds',
    'JWKS_MAX_AGE_SECONDS',
    'integer',
    'Age after which keys are refreshed in the background',
    whole(600, 0, 86_400),
  ),
  spec(
    'httpTimeoutMs',
    'KEYCLOAK_HTTP_TIMEOUT_MS',
    'integer',
    'Timeout of discovery, JWKS, token and admin calls (ms)',
    whole(5000, 100, 60_000),
  ),
  spec(
    'introspectionTimeoutMs',
    'KEYCLOAK_INTROSPECTION_TIMEOUT_MS',
    'integer',
    'Timeout of one introspection call (ms)',
    whole(3000, 100, 60_000),
  ),
  spec(
    'tokenCacheMaxEntries',
    'TOKEN_CACHE_MAX_ENTRIES',
    'integer',
    'Verified tokens remembered; 0 turns the cache off',
    whole(10_000, 0, 1_000_000),
  ),
  spec(
    'tokenCacheMaxAgeSeconds',
    'TOKEN_CACHE_MAX_AGE_SECONDS',
    'integer',
    'Longest time a verified token is remembered',
    whole(60, 0, 3600),
  ),
  spec(
    'introspectionCacheTtlSeconds',
    'INTROSPECTION_CACHE_TTL_SECONDS',
    'integer',
    'How long an active introspection answer is reused; 0 off',
    whole(10, 0, 3600),
  ),
  spec('discovery', 'KEYCLOAK_DISCOVERY', 'boolean', 'Read endpoints from the discovery document', {
    default: 'true',
  }),
  spec(
    'discoveryRetrySeconds',
    'KEYCLOAK_DISCOVERY_RETRY_SECONDS',
    'integer',
    'Discovery retry interval while Keycloak is unreachable',
    whole(30, 1, 3600),
  ),
  spec(
    'authzDecisionTtlSeconds',
    'AUTHZ_DECISION_TTL_SECONDS',
    'integer',
    'How long a @Permission decision is reused; 0 off',
    whole(10, 0, 3600),
  ),
  spec(
    'authzTimeoutMs',
    'KEYCLOAK_AUTHZ_TIMEOUT_MS',
    'integer',
    'Timeout of one authorization decision (ms)',
    whole(3000, 100, 60_000),
  ),
  spec(
    'lightweightTokens',
    'KEYCLOAK_LIGHTWEIGHT_TOKENS',
    'text',
    'Lightweight access tokens: refuse, or introspect',
    { default: 'refuse' },
  ),
  spec('auditAccepted', 'AUDIT_ACCEPTED', 'boolean', 'Also log accepted decisions (audit)', {
    default: 'false',
  }),
  spec(
    'authFailureLimit',
    'AUTH_FAILURE_LIMIT',
    'integer',
    'Failed authentications per IP and window before 429; 0 off',
    whole(30, 0, 1_000_000),
  ),
  spec(
    'authFailureWindowSeconds',
    'AUTH_FAILURE_WINDOW_SECONDS',
    'integer',
    'Window of AUTH_FAILURE_LIMIT (seconds)',
    whole(60, 1, 3600),
  ),
]);

/** The spec of one option (every option has one). */
export function optionSpec(option: keyof AuthModuleOptions): OptionSpec {
  return AUTH_ENVIRONMENT.find((item) => item.option === option)!;
}
