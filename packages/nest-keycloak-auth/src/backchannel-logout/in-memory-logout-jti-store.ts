import { Injectable } from '@nestjs/common';
import type { RedisConnection } from '../redis/redis-connection.js';
import { SeenOnce } from '../redis/seen-once.js';
import { LogoutJtiStore } from './logout-jti-store.js';

/** `jti`s remembered at most: the oldest goes first (its token has expired, or soon will). */
export const MAX_LOGOUT_JTIS = 100_000;

/**
 * Logout `jti`s in this process, each until its token's `exp` plus the clock tolerance. Keyed
 * by realm and `jti` (a `jti` is only unique per issuer); bounded, oldest first.
 */
@Injectable()
export class InMemoryLogoutJtiStore extends LogoutJtiStore {
  /** The cap; a test lowers it. */
  protected readonly maxEntries: number = MAX_LOGOUT_JTIS;
  /** Where the `jti`s are shared too: none here (the Redis-backed store gives one). */
  protected readonly redis?: RedisConnection;
  private seen?: SeenOnce;

  remember(realm: string, jti: string, untilMs: number): Promise<boolean> {
    // Made on first use, once a subclass's fields (cap, connection) are in place.
    this.seen ??= new SeenOnce('logout_jti', 'logout-jti', this.maxEntries, this.redis, () =>
      this.now(),
    );
    // Realm names have no colons: the key is unambiguous.
    return this.seen.first(`${realm}:${jti}`, untilMs);
  }

  /** The clock; a test overrides it. */
  protected now(): number {
    return Date.now();
  }
}
