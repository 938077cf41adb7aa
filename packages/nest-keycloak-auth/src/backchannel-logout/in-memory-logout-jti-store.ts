import { Injectable } from '@nestjs/common';
import { LogoutJtiStore } from './logout-jti-store.js';

/** `jti`s remembered at most: the oldest goes first (its token has expired, or soon will). */
export const MAX_LOGOUT_JTIS = 100_000;

/**
 * Logout `jti`s in this process, each until its token's `exp` plus the clock tolerance. Keyed
 * by realm and `jti` (a `jti` is only unique per issuer); bounded, oldest first.
 */
@Injectable()
export class InMemoryLogoutJtiStore extends LogoutJtiStore {
  private readonly seen = new Map<string, number>();
  /** The cap; a test lowers it. */
  protected readonly maxEntries: number = MAX_LOGOUT_JTIS;

  remember(realm: string, jti: string, untilMs: number): Promise<boolean> {
    const now = this.now();
    // Realm names have no spaces: the key is unambiguous.
    const key = `${realm} ${jti}`;
    const known = this.seen.get(key);
    if (known !== undefined && now < known) return Promise.resolve(false);
    this.seen.delete(key);
    this.seen.set(key, untilMs);
    this.dropOldest(now);
    return Promise.resolve(true);
  }

  /** The clock; a test overrides it. */
  protected now(): number {
    return Date.now();
  }

  /**
   * Drops expired entries from the front (insertion order is close to expiry order: logout
   * tokens live a fixed time), then the oldest while over the cap.
   */
  private dropOldest(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxEntries) return;
      this.seen.delete(key);
    }
  }
}
