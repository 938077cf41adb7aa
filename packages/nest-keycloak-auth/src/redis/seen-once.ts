import type { SharedUse } from '../telemetry/auth-channels.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * Remembers identifiers (a logout token's or a DPoP proof's `jti`) until a time each, to tell the
 * first sighting from a replay: in this process (bounded, oldest first) and, when a Redis
 * connection is given and configured, in Redis too (`SET NX PX`), so a replay to another
 * replica is refused as well. While Redis fails, this process alone answers.
 */
export class SeenOnce {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly use: SharedUse,
    /** The Redis key's middle part, e.g. `logout-jti`. */
    private readonly namespace: string,
    private readonly maxEntries: number,
    private readonly redis?: RedisConnection,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is seen before `untilMs` (epoch ms), false for a replay. */
  async first(key: string, untilMs: number): Promise<boolean> {
    const now = this.now();
    const known = this.seen.get(key);
    if (known !== undefined && now < known) return false;
    this.seen.delete(key);
    this.seen.set(key, untilMs);
    this.dropOldest(now);
    const ms = Math.ceil(untilMs - now);
    if (!this.redis?.configured || ms <= 0) return true;
    const redis = this.redis;
    const shared = await redis.attempt(this.use, (commands) =>
      commands.set(redis.key(this.namespace, key), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: ms },
      }),
    );
    return shared === undefined || shared.value === 'OK';
  }

  /**
   * Drops expired entries from the front (insertion order is close to expiry order: the
   * identifiers live a fixed time), then the oldest while over the cap.
   */
  private dropOldest(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxEntries) return;
      this.seen.delete(key);
    }
  }
}
