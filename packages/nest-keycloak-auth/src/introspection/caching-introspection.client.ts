import { IntrospectionClient, type IntrospectedClaims } from './introspection.client.js';
import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from '../token/token-digest.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { SharedCache } from '../redis/shared-cache.js';

/** Answers kept at most; beyond it the oldest is dropped. */
const MAX_ANSWERS = 10_000;
/** How long an `active: false` answer is kept for a token whose `exp` is unknown. */
const INACTIVE_WITHOUT_EXP_MS = 5 * 60_000;

interface Answer {
  active: boolean;
  /** The claims of an active answer, when it was asked for them (introspect). */
  claims?: IntrospectedClaims;
}

/**
 * Wraps an IntrospectionClient and remembers its answers: `active: true` for `ttlMs` (never
 * past `exp`; 0 keeps none), `active: false` until `exp` (a revoked token does not come back),
 * and concurrent checks of one token share one request. Keyed by the token's SHA-256. With a
 * configured Redis the answers are shared by every replica (one introspection per token per TTL
 * for the whole cluster).
 */
export class CachingIntrospectionClient extends IntrospectionClient {
  private readonly answers: SharedCache<Answer>;
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly pendingClaims = new Map<string, Promise<IntrospectedClaims | undefined>>();

  constructor(
    private readonly inner: IntrospectionClient,
    private readonly ttlMs: number,
    redis?: RedisConnection,
  ) {
    super();
    this.answers = new SharedCache<Answer>('introspection', MAX_ANSWERS, redis);
  }

  override async isActive(token: string, expiresAt?: number, realm?: string): Promise<boolean> {
    const key = tokenDigest(token);
    const known = await this.answers.get(key);
    publishCacheLookup('introspection', known !== undefined);
    if (known) return known.active;

    let request = this.pending.get(key);
    if (!request) {
      // Keyed by the token alone: its realm is fixed by its issuer.
      request = this.inner
        .isActive(token, expiresAt, realm)
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const active = await request;
    await this.remember(key, { active }, expiresAt);
    return active;
  }

  override async introspect(
    token: string,
    expiresAt?: number,
    realm?: string,
  ): Promise<IntrospectedClaims | undefined> {
    const key = tokenDigest(token);
    const known = await this.answers.get(key);
    const hit = known !== undefined && (!known.active || !!known.claims);
    publishCacheLookup('introspection', hit);
    if (hit) return known.claims;

    let request = this.pendingClaims.get(key);
    if (!request) {
      request = this.inner
        .introspect(token, expiresAt, realm)
        .finally(() => this.pendingClaims.delete(key));
      this.pendingClaims.set(key, request);
    }
    const claims = await request;
    await this.remember(key, { active: claims !== undefined, claims }, expiresAt);
    return claims;
  }

  private remember(key: string, answer: Answer, expiresAt: number | undefined): Promise<void> {
    const now = Date.now();
    const expMs = expiresAt === undefined ? undefined : expiresAt * 1000;
    const until = answer.active
      ? Math.min(now + this.ttlMs, expMs ?? now)
      : (expMs ?? now + INACTIVE_WITHOUT_EXP_MS);
    return this.answers.set(key, answer, until);
  }
}
