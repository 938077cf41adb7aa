import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from '../token/token-digest.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import { SharedCache } from '../redis/shared-cache.js';
import { PolicyDecisionClient, type PolicyDecision } from './policy-decision.client.js';

/** Decisions kept at most; beyond it the oldest is dropped. */
const MAX_DECISIONS = 10_000;

/**
 * Wraps a PolicyDecisionClient and remembers each decision per token and permission for
 * `ttlMs` (never past the token's `exp`; 0 keeps none), grants and denials alike, so a policy
 * changed in Keycloak takes effect within the TTL. Concurrent identical checks share one
 * request. Failures are never remembered. Keyed by the token's SHA-256, never the token. With a
 * configured Redis the decisions are shared by every replica, and one replica asks while the
 * others wait for its answer.
 */
export class CachingPolicyDecisionClient extends PolicyDecisionClient {
  private readonly decisions: SharedCache<PolicyDecision>;
  private readonly pending = new Map<string, Promise<PolicyDecision>>();

  constructor(
    private readonly inner: PolicyDecisionClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    redis?: RedisConnection,
    /** How long one replica may ask before another may too: the call's timeout. */
    leaseMs?: number,
  ) {
    super();
    this.decisions = new SharedCache<PolicyDecision>(
      'authorization',
      MAX_DECISIONS,
      redis,
      now,
      leaseMs,
    );
  }

  override async decide(
    token: string,
    permission: string,
    expiresAt?: number,
    realm?: string,
  ): Promise<PolicyDecision> {
    const key = `${tokenDigest(token)} ${permission}`;
    const known = await this.decisions.get(key);
    publishCacheLookup('authorization', known !== undefined);
    if (known !== undefined) return known;

    let request = this.pending.get(key);
    if (!request) {
      request = this.decisions
        .fetchOnce(key, async () => {
          const decision = await this.inner.decide(token, permission, expiresAt, realm);
          const until = Math.min(
            this.now() + this.ttlMs,
            expiresAt === undefined ? Infinity : expiresAt * 1000,
          );
          return { value: decision, until };
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    return request;
  }
}
