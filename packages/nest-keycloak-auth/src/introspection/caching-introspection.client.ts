import { IntrospectionClient, type IntrospectedClaims } from './introspection.client.js';
import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from '../token/token-digest.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { SharedCache, type Entry } from '../redis/shared-cache.js';

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
 * configured Redis the answers are shared by every replica, and one replica asks while the
 * others wait for its answer: one introspection per token per TTL for the whole cluster.
 */
export class CachingIntrospectionClient extends IntrospectionClient {
  private readonly answers: SharedCache<Answer>;
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly pendingClaims = new Map<string, Promise<IntrospectedClaims | undefined>>();

  constructor(
    private readonly inner: IntrospectionClient,
    private readonly ttlMs: number,
    redis?: RedisConnection,
    /** How long one replica may ask before another may too: the call's timeout. */
    leaseMs?: number,
  ) {
    super();
    this.answers = new SharedCache<Answer>('introspection', MAX_ANSWERS, redis, Date.now, leaseMs);
  }

  override async isActive(token: string, expiresAt?: number, realm?: string): Promise<boolean> {
    const key = tokenDigest(token);
    const known = await this.answers.get(key);
    publishCacheLookup('introspection', known !== undefined);
    if (known) return known.active;

    let request = this.pending.get(key);
    if (!request) {
      // Keyed by the token alone: its realm is fixed by its issuer.
      request = this.answers
        .fetchOnce(key, async () =>
          this.entryOf({ active: await this.inner.isActive(token, expiresAt, realm) }, expiresAt),
        )
        .then((answer) => answer.active)
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    return request;
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
      request = this.answers
        .fetchOnce(
          key,
          async () => {
            const claims = await this.inner.introspect(token, expiresAt, realm);
            return this.entryOf({ active: claims !== undefined, claims }, expiresAt);
          },
          // An `isActive` answer elsewhere has no claims: this call still needs them.
          (answer) => !answer.active || answer.claims !== undefined,
        )
        .then((answer) => answer.claims)
        .finally(() => this.pendingClaims.delete(key));
      this.pendingClaims.set(key, request);
    }
    return request;
  }

  /** The answer with how long it is kept. */
  private entryOf(answer: Answer, expiresAt: number | undefined): Entry<Answer> {
    const now = Date.now();
    const expMs = expiresAt === undefined ? undefined : expiresAt * 1000;
    const until = answer.active
      ? Math.min(now + this.ttlMs, expMs ?? now)
      : (expMs ?? now + INACTIVE_WITHOUT_EXP_MS);
    return { value: answer, until };
  }
}
