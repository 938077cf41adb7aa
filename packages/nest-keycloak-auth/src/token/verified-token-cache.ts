import type { AuthPrincipal } from '../principal.js';
import { tokenDigest } from './token-digest.js';

interface Entry {
  principal: AuthPrincipal;
  kid: string | undefined;
  /** Epoch ms after which the entry is not used: the earlier of exp (+ tolerance) and max age. */
  until: number;
}

/**
 * Principals of tokens that passed full verification, so a token seen again skips the
 * signature check. Bounded LRU keyed by the token's SHA-256 (a heap dump shows no usable
 * token). Only accepted tokens go in; entries signed by a key that left the JWKS are dropped.
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

  /** The cached principal, or undefined when absent or past its time. */
  get(token: string, now = Date.now()): AuthPrincipal | undefined {
    if (!this.enabled) return undefined;
    const key = tokenDigest(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (now >= entry.until) return undefined;
    this.entries.set(key, entry); // most recently used goes last
    return entry.principal;
  }

  set(token: string, principal: AuthPrincipal, kid: string | undefined, now = Date.now()): void {
    if (!this.enabled) return;
    const until = Math.min(now + this.maxAgeMs, principal.exp * 1000 + this.toleranceMs);
    if (until <= now) return;
    this.entries.set(tokenDigest(token), { principal, kid, until });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** Drops every entry verified with one of these keys (they left the JWKS), and kid-less ones. */
  dropKeys(kids: readonly string[]): void {
    for (const [key, entry] of this.entries) {
      if (entry.kid === undefined || kids.includes(entry.kid)) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
