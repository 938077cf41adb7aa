import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  createLocalJWKSet,
  errors,
  type CryptoKey,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWTHeaderParameters,
} from 'jose';
import { firstValueFrom } from 'rxjs';
import { publishJwksUpdate, timeKeycloakRequest } from '../telemetry/auth-channels.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { describeHttpFailure } from '../http-failure.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { KeySource, type KeySourceStatus } from './key-source.js';

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/** After a failed fetch, the next one an unknown kid may start waits 1 s, then 2, 4, up to 8 s. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 8_000;

/**
 * The realm's JWKS, fetched through HttpService and kept in memory. An unknown `kid` triggers
 * at most one fetch per cooldown window, shared by concurrent callers. After a failed fetch
 * the window is a short backoff instead (1 s doubling to 8 s, never above the cooldown), so a
 * key rotated in during an outage is served within seconds of Keycloak's return. A failed
 * fetch never drops the last good key set: while Keycloak is down, tokens signed by cached keys
 * still verify, and only tokens whose key we lack are answered "unavailable" (503).
 */
@Injectable()
export class JwksService extends KeySource implements OnApplicationBootstrap {
  private readonly logger = new Logger('Jwks');
  private keySet?: LocalKeySet;
  /**
   * The keys the current key set resolved, by header `alg` then `kid`: jose's candidate search
   * and import run once per key, not once per token. Emptied with each new key set.
   */
  private resolved = new Map<string, Map<string | undefined, CryptoKey>>();
  private kids: readonly string[] = [];
  private fetchedAt = 0;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  /** When an unknown kid last triggered a fetch: the cooldown window starts there. */
  private missFetchAt = Number.NEGATIVE_INFINITY;
  /** Fetches failed in a row (0: the last one worked); sets the backoff of miss-triggered fetches. */
  private failuresInARow = 0;
  private inflight?: Promise<void>;
  private readonly removedListeners: Array<(kids: readonly string[]) => void> = [];

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
  ) {
    super();
  }

  /** Warm-up: fetch the keys once at start-up; a failure is logged and start-up goes on. */
  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
  }

  async getKey(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const cached = await this.fromCache(header, token);
    if (cached) {
      this.refreshIfStale();
      return cached;
    }
    // Warm-up and background refreshes do not open a window: a key rotated in right after
    // them is still fetched at once. Misses do, so a flood of random kids costs one fetch.
    if (this.inflight) {
      await this.inflight;
    } else if (this.now() - this.missFetchAt >= this.missWindowMs()) {
      this.missFetchAt = this.now();
      await this.refresh();
    }

    const key = await this.fromCache(header, token);
    if (key) return key;
    if (this.failuresInARow > 0 || !this.keySet) throw this.unavailable(header.kid);
    throw new AuthError(AuthErrorCode.UnknownKey, { kid: header.kid });
  }

  status(): KeySourceStatus {
    return {
      ready: this.keySet !== undefined,
      keyCount: this.kids.length,
      fetchedAt: this.fetchedAt,
      lastFetchFailed: this.failuresInARow > 0,
    };
  }

  onKeysRemoved(listener: (kids: readonly string[]) => void): void {
    this.removedListeners.push(listener);
  }

  /** Clock, overridable in tests. */
  protected now(): number {
    return Date.now();
  }

  /**
   * How long after a miss-triggered fetch the next may start: the cooldown after a success;
   * after failures a backoff, so that a flood of unknown kids during an outage still costs one
   * fetch per step while recovery takes seconds, not a whole cooldown.
   */
  private missWindowMs(): number {
    const { jwksCooldownMs } = this.settings;
    if (this.failuresInARow === 0) return jwksCooldownMs;
    return Math.min(jwksCooldownMs, RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failuresInARow - 1));
  }

  /** The matching cached key, or undefined when the cache has none for this header. */
  private async fromCache(
    header: JWTHeaderParameters,
    token: FlattenedJWSInput,
  ): Promise<CryptoKey | undefined> {
    if (!this.keySet) return undefined;
    // An unprotected header also takes part in jose's choice: such a call is never remembered.
    const remembered = token.header === undefined ? this.resolved.get(header.alg) : undefined;
    const known = remembered?.get(header.kid);
    if (known) return known;
    const keySet = this.keySet;
    let key: CryptoKey;
    try {
      key = await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return undefined;
      throw error;
    }
    // Remembered only if no new key set was installed meanwhile.
    if (token.header === undefined && keySet === this.keySet) {
      const byKid = this.resolved.get(header.alg) ?? new Map<string | undefined, CryptoKey>();
      this.resolved.set(header.alg, byKid.set(header.kid, key));
    }
    return key;
  }

  /** Starts a background refresh once the keys are older than the max age. */
  private refreshIfStale(): void {
    const now = this.now();
    if (
      now - this.fetchedAt >= this.settings.jwksMaxAgeMs &&
      now - this.attemptedAt >= this.settings.jwksCooldownMs &&
      !this.inflight
    ) {
      void this.refresh();
    }
  }

  /** One fetch at a time: concurrent callers share it. Never rejects. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    this.attemptedAt = this.now();
    const url = this.discovery.endpoints.jwksUri;
    try {
      const response = await timeKeycloakRequest('jwks', () =>
        firstValueFrom(this.http.get<unknown>(url, { timeout: this.settings.httpTimeoutMs })),
      );
      this.install(parseJwks(response.data));
    } catch (error) {
      this.failuresInARow++;
      this.logger.warn(
        `JWKS fetch from ${url} failed (${describeHttpFailure(error)}); ` +
          `serving ${this.kids.length} cached key(s)`,
      );
    }
  }

  private install(jwks: JSONWebKeySet): void {
    const kids = jwks.keys.map((key) => key.kid).filter((kid): kid is string => !!kid);
    const removed = this.kids.filter((kid) => !kids.includes(kid));
    this.keySet = createLocalJWKSet(jwks);
    this.resolved = new Map();
    this.kids = kids;
    this.fetchedAt = this.now();
    this.failuresInARow = 0;
    publishJwksUpdate(kids.length);
    if (removed.length > 0) this.removedListeners.forEach((listener) => listener(removed));
  }

  private unavailable(kid: string | undefined): AuthError {
    const remainingMs = this.missFetchAt + this.missWindowMs() - this.now();
    return new AuthError(AuthErrorCode.KeysUnavailable, {
      kid,
      retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
    });
  }
}

/**
 * Checks the response is a JWKS with at least one signing key before handing it to jose. An
 * empty set (Keycloak mid-import, a misbehaving proxy) counts as a failed fetch: installing it
 * would turn every valid token into a 401 instead of keeping the last good keys.
 */
function parseJwks(data: unknown): JSONWebKeySet {
  const keys = (data as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null)) {
    throw new TypeError('response is not a JWKS');
  }
  const jwks = { keys: keys as JSONWebKeySet['keys'] };
  if (!jwks.keys.some((key) => key.use !== 'enc')) {
    throw new TypeError('JWKS has no signing key');
  }
  return jwks;
}
