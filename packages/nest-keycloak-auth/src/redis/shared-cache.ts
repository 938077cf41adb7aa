import type { SharedUse } from '../telemetry/auth-channels.js';
import type { RedisConnection } from './redis-connection.js';

interface Entry<T> {
  readonly value: T;
  /** Epoch ms after which the entry is not used. */
  readonly until: number;
}

/**
 * Answers kept until a time each: in this process (bounded, oldest dropped first) and, when a
 * Redis connection is given and configured, in Redis too, so one replica's answer serves all.
 * A lookup reads this process first, then Redis, keeping what Redis had with the same end time.
 * Values travel as JSON; what does not parse counts as a miss. Redis failing only makes misses.
 */
export class SharedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly use: SharedUse,
    private readonly maxEntries: number,
    private readonly redis?: RedisConnection,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value kept for `key`, if any is still in force. */
  async get(key: string): Promise<T | undefined> {
    const now = this.now();
    const known = this.entries.get(key);
    if (known !== undefined) {
      if (now < known.until) return known.value;
      this.entries.delete(key);
    }
    if (!this.redis?.configured) return undefined;
    const redis = this.redis;
    const shared = await redis.attempt(this.use, (commands) =>
      commands.get(redis.key(this.use, key)),
    );
    const entry = parse<T>(shared?.value);
    if (entry === undefined || entry.until <= now) return undefined;
    this.keep(key, entry);
    return entry.value;
  }

  /** Keeps `value` for `key` until `until` (epoch ms); resolves once Redis has it too. */
  async set(key: string, value: T, until: number): Promise<void> {
    const ms = until - this.now();
    if (ms <= 0) return;
    const entry = { value, until };
    this.keep(key, entry);
    if (!this.redis?.configured) return;
    const redis = this.redis;
    await redis.attempt(this.use, (commands) =>
      commands.set(redis.key(this.use, key), JSON.stringify(entry), {
        expiration: { type: 'PX', value: Math.ceil(ms) },
      }),
    );
  }

  private keep(key: string, entry: Entry<T>): void {
    // Re-inserted, so the map's order stays the order of writes: the oldest is dropped first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

function parse<T>(text: string | null | undefined): Entry<T> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const entry = JSON.parse(text) as Partial<Entry<T>> | null;
    if (typeof entry?.until !== 'number' || !('value' in entry)) return undefined;
    return entry as Entry<T>;
  } catch {
    return undefined;
  }
}
