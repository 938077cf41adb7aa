import type { AuthPrincipal } from '../principal.js';

interface Entry {
  principal: AuthPrincipal;
  kid: string | undefined;
  /** Epoch ms after which the entry is not used: the earlier of exp (+ tolerance) and max age. */
  until: number;
  /** Read since it was inserted or last spared by eviction (the CLOCK algorithm's bit). */
  used: boolean;
}

/**
 * Principals of tokens that passed full verification, so a token seen again skips the
 * signature check. Bounded, keyed by the token's SHA-256 digest (`tokenDigest()`, computed
 * once per request by the caller), so a heap dump shows no usable token. Only accepted tokens
 * go in; entries signed by a key that left the JWKS are dropped.
 *
 * Eviction approximates LRU with CLOCK (second chance): a hit only sets a flag, instead of
 * moving the entry to the end of the map, so the hot path does not write to the map at all.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly toleranceMs: number,
  ) {}

  /** Whether the cache keeps anything at all (max entries > 0). */
  get enabled(): boolean {
    return this.maxEntries > 0 && this.maxAgeMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The principal of the token with this digest, or undefined when absent or past its time. */
  get(key: string, now = Date.now()): AuthPrincipal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry.principal;
  }

  /**
   * Remembers the principal of the token with this digest, verified with key `kid`, for the
   * cache's max age or `maxAgeMs` if shorter, never past its `exp`.
   */
  set(
    key: string,
    principal: AuthPrincipal,
    kid: string | undefined,
    now = Date.now(),
    maxAgeMs = this.maxAgeMs,
  ): void {
    if (!this.enabled) return;
    const age = Math.min(this.maxAgeMs, maxAgeMs);
    const until = Math.min(now + age, principal.exp * 1000 + this.toleranceMs);
    if (until <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { principal, kid, until, used: false });
    if (this.entries.size > this.maxEntries) this.evictOne(now);
  }

  /**
   * Drops every entry of `realm` verified with one of these keys (they left that realm's JWKS),
   * and its kid-less ones; other realms' entries stay (a kid is only unique within a realm).
   */
  dropKeys(kids: readonly string[], realm: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.principal.realm !== realm) continue;
      if (entry.kid === undefined || kids.includes(entry.kid)) this.entries.delete(key);
    }
  }

  /** Drops every entry of `realm` (its issuer changed). */
  dropRealm(realm: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.principal.realm === realm) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Drops the oldest entry not read since its last chance; read ones go to the back with the
   * flag cleared, and expired ones go whatever their flag. Ends within one pass of the map plus
   * one entry, since every flag it passes is cleared.
   */
  private evictOne(now: number): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (entry.used && now < entry.until) {
        entry.used = false;
        this.entries.set(key, entry);
        continue;
      }
      return;
    }
  }
}
