import { SUPPORTED_ALGORITHMS } from './auth.constants.js';
import type { WholeNumber } from './auth-option-kinds.js';
import { AUTH_OPTIONS, MAX_REALMS, type AuthModuleOptions } from './auth-options.js';
import { AuthConfigError } from './errors/auth-config.error.js';

type IntegerOption = {
  [K in keyof typeof AUTH_OPTIONS]: (typeof AUTH_OPTIONS)[K] extends WholeNumber ? K : never;
}[keyof typeof AUTH_OPTIONS];

/**
 * AuthModule options with defaults filled in and checked against `AUTH_OPTIONS`, the one
 * table of defaults and ranges. Mistakes throw here, when the module is built, before any
 * request or network call. Internal: the app reads the narrow `KeycloakRealm` view instead.
 */
export class AuthSettings {
  readonly serverUrl: string;
  /** The home realm: the first of `realms`. */
  readonly realm: string;
  /** Every realm whose tokens are accepted, the home realm first. */
  readonly realms: readonly string[];
  readonly clientId: string;
  readonly clientSecret: string;
  /** The pinned issuer, or undefined to take the discovered one. */
  readonly issuer?: string;
  readonly audiences: readonly string[];
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly jwksCooldownMs: number;
  readonly jwksMaxAgeMs: number;
  readonly httpTimeoutMs: number;
  readonly introspectionTimeoutMs: number;
  readonly discovery: boolean;
  readonly tokenCacheMaxEntries: number;
  readonly introspectionCacheTtlMs: number;
  readonly tokenCacheMaxAgeMs: number;
  readonly discoveryRetryMs: number;
  readonly authzDecisionTtlMs: number;
  readonly authzTimeoutMs: number;
  readonly lightweightTokens: 'refuse' | 'introspect';
  readonly auditAccepted: boolean;
  readonly authFailureLimit: number;
  readonly authFailureWindowMs: number;
  /** Client ids whose back-channel logouts are honoured; empty: the receiver is off. */
  readonly backchannelLogoutAudiences: readonly string[];
  readonly revocationRetentionSeconds: number;
  /** The Redis URL, or '' to keep shared state in this process. Never logged (credentials). */
  readonly redisUrl: string;
  readonly redisTimeoutMs: number;
  readonly dpopMode: 'allowed' | 'required' | 'off';
  readonly dpopProofMaxAgeSeconds: number;
  readonly dpopAlgorithms: readonly string[];
  /** The public base URL without a trailing slash, or undefined to read the request's. */
  readonly publicBaseUrl?: string;
  readonly wsMaxMessageBytes: number;
  readonly wsMessagesPerSecond: number;
  readonly wsSocketsPerPrincipal: number;
  /** `{serverUrl}/realms/{realm}`: the issuer until discovery says otherwise. */
  readonly realmUrl: string;

  constructor(options: AuthModuleOptions) {
    this.serverUrl = requireHttpUrl('serverUrl', options.serverUrl).replace(/\/+$/, '');
    this.realms = requireRealms(options.realm, options.realms);
    this.realm = this.realms[0];
    this.clientId = requireText(
      'clientId',
      options.clientId,
      /^[\x21-\x7e]+$/,
      'a client id (visible ASCII, no spaces)',
    );
    this.clientSecret = options.clientSecret ?? AUTH_OPTIONS.clientSecret.default;
    this.issuer =
      options.issuer === undefined ? undefined : requireHttpUrl('issuer', options.issuer);
    if (this.issuer !== undefined && this.realms.length > 1) {
      // One pinned issuer cannot be the issuer of two realms; discovery reports each one's.
      throw refuse('issuer', 'pins one realm: leave it unset when several realms are accepted');
    }
    this.audiences = options.audiences?.length
      ? requireList('audiences', options.audiences, /^\S+$/)
      : [this.clientId];
    this.algorithms = requireAlgorithms(options.algorithms ?? AUTH_OPTIONS.algorithms.default);
    const whole = (option: IntegerOption) => requireWhole(option, options[option]);
    this.clockToleranceSeconds = whole('clockToleranceSeconds');
    this.jwksCooldownMs = whole('jwksCooldownSeconds') * 1000;
    this.jwksMaxAgeMs = whole('jwksMaxAgeSeconds') * 1000;
    this.httpTimeoutMs = whole('httpTimeoutMs');
    this.introspectionTimeoutMs = whole('introspectionTimeoutMs');
    this.discovery = options.discovery ?? AUTH_OPTIONS.discovery.default;
    this.introspectionCacheTtlMs = whole('introspectionCacheTtlSeconds') * 1000;
    this.tokenCacheMaxEntries = whole('tokenCacheMaxEntries');
    this.tokenCacheMaxAgeMs = whole('tokenCacheMaxAgeSeconds') * 1000;
    this.discoveryRetryMs = whole('discoveryRetrySeconds') * 1000;
    this.authzDecisionTtlMs = whole('authzDecisionTtlSeconds') * 1000;
    this.authzTimeoutMs = whole('authzTimeoutMs');
    this.lightweightTokens = requireChoice(
      'lightweightTokens',
      options.lightweightTokens,
      AUTH_OPTIONS.lightweightTokens.choices,
    );
    this.auditAccepted = options.auditAccepted ?? AUTH_OPTIONS.auditAccepted.default;
    this.authFailureLimit = whole('authFailureLimit');
    this.authFailureWindowMs = whole('authFailureWindowSeconds') * 1000;
    this.backchannelLogoutAudiences = options.backchannelLogoutAudiences?.length
      ? requireList('backchannelLogoutAudiences', options.backchannelLogoutAudiences, /^\S+$/)
      : [];
    this.revocationRetentionSeconds = whole('revocationRetentionSeconds');
    this.redisUrl = requireRedisUrl(options.redisUrl ?? AUTH_OPTIONS.redisUrl.default);
    this.redisTimeoutMs = whole('redisTimeoutMs');
    this.dpopMode = requireChoice('dpopMode', options.dpopMode, AUTH_OPTIONS.dpopMode.choices);
    this.dpopProofMaxAgeSeconds = whole('dpopProofMaxAgeSeconds');
    this.dpopAlgorithms = requireAlgorithms(
      options.dpopAlgorithms ?? AUTH_OPTIONS.dpopAlgorithms.default,
      'dpopAlgorithms',
    );
    this.publicBaseUrl = options.publicBaseUrl ? requireBaseUrl(options.publicBaseUrl) : undefined;
    this.wsMaxMessageBytes = whole('wsMaxMessageBytes');
    this.wsMessagesPerSecond = whole('wsMessagesPerSecond');
    this.wsSocketsPerPrincipal = whole('wsSocketsPerPrincipal');
    this.realmUrl = `${this.serverUrl}/realms/${encodeURIComponent(this.realm)}`;
  }

  /**
   * The same settings seen from another accepted realm (its URL, no pinned issuer), for that
   * realm's own discovery and key set.
   */
  forRealm(realm: string): AuthSettings {
    const realmUrl = `${this.serverUrl}/realms/${encodeURIComponent(realm)}`;
    const view = Object.create(AuthSettings.prototype) as AuthSettings;
    return Object.freeze(Object.assign(view, this, { realm, realmUrl, issuer: undefined }));
  }
}

const REALM_NAME = /^[\w.-]+$/;
const REALM_RULE = 'a realm name (letters, digits, . _ -)';

/** The accepted realms, home first: `realms` when given (starting with `realm` if both are). */
function requireRealms(realm: string | undefined, realms: readonly string[] | undefined) {
  if (realms === undefined)
    return Object.freeze([requireText('realm', realm, REALM_NAME, REALM_RULE)]);
  if (realms.length === 0) throw refuse('realms', 'must list at least one realm');
  if (realms.length > MAX_REALMS) throw refuse('realms', `must list at most ${MAX_REALMS} realms`);
  const bad = realms.find((name) => !REALM_NAME.test(name));
  if (bad !== undefined) throw refuse('realms', `must list realm names (letters, digits, . _ -)`);
  if (new Set(realms).size !== realms.length) throw refuse('realms', 'must not list a realm twice');
  if (realm !== undefined && realm !== '' && realm !== realms[0]) {
    throw refuse('realms', 'must start with the realm of KEYCLOAK_REALM (realm) when both are set');
  }
  return Object.freeze([...realms]);
}

function refuse(option: keyof AuthModuleOptions, rule: string): AuthConfigError {
  return new AuthConfigError(option, AUTH_OPTIONS[option].variable, rule);
}

function requireChoice<T extends string>(
  option: keyof AuthModuleOptions,
  value: string | undefined,
  choices: readonly T[],
): T {
  if (value === undefined || value === '') return choices[0];
  if (!(choices as readonly string[]).includes(value)) {
    throw refuse(option, `must be one of: ${choices.join(', ')}`);
  }
  return value as T;
}

function requireText(
  option: keyof AuthModuleOptions,
  value: string | undefined,
  pattern: RegExp,
  what: string,
): string {
  if (!value) throw refuse(option, 'is required');
  if (!pattern.test(value)) throw refuse(option, `must be ${what}`);
  return value;
}

function requireHttpUrl(option: 'serverUrl' | 'issuer', value: string | undefined): string {
  const rule = 'must be an http(s) URL without credentials, such as http://localhost:8080';
  if (!value) throw refuse(option, 'is required');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse(option, rule);
  }
  // The URL appears in log lines: no user:password@ part.
  if (!/^https?:\/\/[^/]/i.test(value) || url.username || url.password) {
    throw refuse(option, rule);
  }
  return value;
}

/** An http(s) origin with an optional path, no query, fragment or credentials; no trailing slash. */
function requireBaseUrl(value: string): string {
  const rule =
    'must be an http(s) URL without credentials, query or fragment, such as https://api.example.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('publicBaseUrl', rule);
  }
  const plain = !url.username && !url.password && !url.search && !url.hash && !value.includes('#');
  if (!/^https?:$/.test(url.protocol) || !plain) throw refuse('publicBaseUrl', rule);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A `redis://` or `rediss://` URL, or '' for none; the message never repeats it (credentials). */
function requireRedisUrl(value: string): string {
  if (value === '') return value;
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw refuse('redisUrl', 'must be a redis:// or rediss:// URL, such as redis://localhost:6379');
  }
  return value;
}

function requireList(
  option: keyof AuthModuleOptions,
  values: readonly string[],
  item: RegExp,
): readonly string[] {
  if (values.length === 0 || !values.every((value) => item.test(value))) {
    throw refuse(option, 'must be a non-empty list of values without spaces');
  }
  return Object.freeze([...values]);
}

function requireAlgorithms(
  algorithms: readonly string[],
  option: 'algorithms' | 'dpopAlgorithms' = 'algorithms',
): readonly string[] {
  const supported: readonly string[] = SUPPORTED_ALGORITHMS;
  const bad = algorithms.filter((alg) => !supported.includes(alg));
  if (algorithms.length === 0 || bad.length > 0) {
    throw refuse(
      option,
      `accepts only ${supported.join(', ')} (none and HS* are never accepted); refused: ${bad.join(', ') || '(empty list)'}`,
    );
  }
  return Object.freeze([...algorithms]);
}

function requireWhole(option: IntegerOption, value: number | undefined): number {
  const { min, max, default: fallback } = AUTH_OPTIONS[option];
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < min || result > max) {
    throw refuse(option, `must be a whole number from ${min} to ${max}`);
  }
  return result;
}
