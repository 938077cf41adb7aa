import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from '../token/token-digest.js';
import { PolicyDecisionClient, type PolicyDecision } from './policy-decision.client.js';

/** Decisions kept at most; beyond it the oldest is dropped. */
const MAX_DECISIONS = 10_000;

interface Remembered {
  decision: PolicyDecision;
  until: number;
}

/**
 * Wraps a PolicyDecisionClient and remembers each decision per token and permission for
 * `ttlMs` (never past the token's `exp`; 0 keeps none), grants and denials alike, so a policy
 * changed in Keycloak takes effect within the TTL. Concurrent identical checks share one
 * request. Failures are never remembered. Keyed by the token's SHA-256, never the token.
 */
export class CachingPolicyDecisionClient extends PolicyDecisionClient {
  private readonly decisions = new Map<string, Remembered>();
  private readonly pending = new Map<string, Promise<PolicyDecision>>();

  constructor(
    private readonly inner: PolicyDecisionClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  override async decide(
    token: string,
    permission: string,
    expiresAt?: number,
    realm?: string,
  ): Promise<PolicyDecision> {
    const key = `${tokenDigest(token)} ${permission}`;
    const known = this.decisions.get(key);
    const hit = known !== undefined && this.now() < known.until;
    publishCacheLookup('authorization', hit);
    if (hit) return known.decision;
    if (known) this.decisions.delete(key);

    let request = this.pending.get(key);
    if (!request) {
      request = this.inner
        .decide(token, permission, expiresAt, realm)
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const decision = await request;
    this.remember(key, decision, expiresAt);
    return decision;
  }

  private remember(key: string, decision: PolicyDecision, expiresAt: number | undefined): void {
    const now = this.now();
    const until = Math.min(now + this.ttlMs, expiresAt === undefined ? Infinity : expiresAt * 1000);
    if (until <= now) return;
    this.decisions.delete(key);
    this.decisions.set(key, { decision, until });
    if (this.decisions.size > MAX_DECISIONS) {
      this.decisions.delete(this.decisions.keys().next().value as string);
    }
  }
}
