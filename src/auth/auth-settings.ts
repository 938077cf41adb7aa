import { SUPPORTED_ALGORITHMS } from './auth.constants.js';
import type { AuthModuleOptions } from './auth-options.interface.js';

/**
 * AuthModule options with defaults filled in and checked. Configuration mistakes throw here,
 * when the module is built, before any request or network call.
 */
export class AuthSettings {
  readonly serverUrl: string;
  readonly realm: string;
  readonly clientId: string;
  readonly clientSecret: string;
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
  /** `{serverUrl}/realms/{realm}`: the issuer until discovery says otherwise. */
  readonly realmUrl: string;

  constructor(options: AuthModuleOptions) {
    this.serverUrl = requireHttpUrl(options.serverUrl).replace(/\/+$/, '');
    this.realm = requireText('realm', options.realm);
    this.clientId = requireText('clientId', options.clientId);
    this.clientSecret = options.clientSecret ?? '';
    this.audiences = options.audiences?.length ? [...options.audiences] : [this.clientId];
    this.algorithms = requireAlgorithms(options.algorithms ?? ['RS256']);
    this.clockToleranceSeconds = requireSeconds(
      'clockToleranceSeconds',
      options.clockToleranceSeconds,
      30,
    );
    this.jwksCooldownMs =
      requireSeconds('jwksCooldownSeconds', options.jwksCooldownSeconds, 30) * 1000;
    this.jwksMaxAgeMs = requireSeconds('jwksMaxAgeSeconds', options.jwksMaxAgeSeconds, 600) * 1000;
    this.httpTimeoutMs = requireSeconds('httpTimeoutMs', options.httpTimeoutMs, 5000, 1);
    this.introspectionTimeoutMs = requireSeconds(
      'introspectionTimeoutMs',
      options.introspectionTimeoutMs,
      3000,
      1, // axios treats 0 as "no timeout": a hung Keycloak would hang the request with it
    );
    this.discovery = options.discovery ?? true;
    this.introspectionCacheTtlMs =
      requireSeconds('introspectionCacheTtlSeconds', options.introspectionCacheTtlSeconds, 10) *
      1000;
    this.tokenCacheMaxEntries = requireSeconds(
      'tokenCacheMaxEntries',
      options.tokenCacheMaxEntries,
      10_000,
    );
    this.tokenCacheMaxAgeMs =
      requireSeconds('tokenCacheMaxAgeSeconds', options.tokenCacheMaxAgeSeconds, 60) * 1000;
    this.discoveryRetryMs =
      requireSeconds('discoveryRetrySeconds', options.discoveryRetrySeconds, 30) * 1000;
    this.realmUrl = `${this.serverUrl}/realms/${encodeURIComponent(this.realm)}`;
  }
}

function requireText(name: string, value: string | undefined): string {
  if (!value) throw new TypeError(`AuthModule option "${name}" is required`);
  return value;
}

function requireHttpUrl(value: string | undefined): string {
  const url = requireText('serverUrl', value);
  if (!/^https?:\/\/[^/]/i.test(url)) {
    throw new TypeError('AuthModule option "serverUrl" must be an http(s) URL');
  }
  return url;
}

function requireAlgorithms(algorithms: readonly string[]): readonly string[] {
  const supported: readonly string[] = SUPPORTED_ALGORITHMS;
  const bad = algorithms.filter((alg) => !supported.includes(alg));
  if (algorithms.length === 0 || bad.length > 0) {
    throw new TypeError(
      `AuthModule option "algorithms" accepts only ${supported.join(', ')}; refused: ${bad.join(', ') || '(empty list)'}`,
    );
  }
  return [...algorithms];
}

function requireSeconds(
  name: string,
  value: number | undefined,
  fallback: number,
  min = 0,
): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < min) {
    throw new TypeError(`AuthModule option "${name}" must be a whole number >= ${min}`);
  }
  return result;
}
