import type { SharedUse } from '../telemetry/auth-channels.js';
import type { RedisConnection } from './redis-connection.js';

/** A value and the time it is kept until. */
export interface Entry<T> {
  readonly value: T;
  /** Epoch ms after which the entry is not used. */
  readonly until: number;
}

/** How often a replica waiting for another's answer looks for it in Redis. */
const WAIT_POLL_MS = 10;

/**
 * Answers kept until a time each: in this process (bounded, oldest dropped first) and, when a
 * Redis connection is given and configured, in Redis too, so one replica's answer serves all.
 * A lookup reads this process first, then Redis, keeping what Redis had with the same end time.
 * Values travel as JSON; what does not parse counts as a miss. Redis failing only makes misses.
 * {@link fetchOnce} makes one replica fetch a missing value while the others wait for it.
 */
export class SharedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly use: SharedUse,
    private readonly maxEntries: number,
    private readonly redis?: RedisConnection,
    private readonly now: () => number = Date.now,
    /** How long one replica may fetch a key before another may too (its call's timeout). */
    private readonly leaseMs = 3_000,
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
    return this.readShared(key);
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

  /**
   * Fetches the value for a missing `key` and keeps it, once for the cluster: the replica that
   * takes the key's lease (`SET NX PX`) calls `fetch`; the others meanwhile look for its answer
   * in Redis every few ms, and fetch themselves only when the lease ends without one (its
   * holder failed or died) or an answer they cannot use (`usable`) arrives. Without Redis, or
   * when it fails, this process fetches alone.
   */
  async fetchOnce(
    key: string,
    fetch: () => Promise<Entry<T>>,
    usable: (value: T) => boolean = () => true,
  ): Promise<T> {
    const redis = this.redis;
    if (!redis?.configured) return this.fetchAndSet(key, fetch);
    const lease = redis.key(this.use, key, 'lease');
    const taken = await redis.attempt(this.use, (commands) =>
      commands.set(lease, '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: this.leaseMs },
      }),
    );
    if (taken === undefined) return this.fetchAndSet(key, fetch);
    if (taken.value === 'OK') {
      try {
        // The last holder may have stored its answer and ended its lease since our miss.
        const stored = await this.readShared(key);
        if (stored !== undefined && usable(stored)) return stored;
        return await this.fetchAndSet(key, fetch);
      } finally {
        await redis.attempt(this.use, (commands) => commands.del(lease));
      }
    }
    const answered = await this.waitFor(key, lease, usable);
    return answered !== undefined ? answered : this.fetchAndSet(key, fetch);
  }

  /** Another replica's answer once Redis has it; undefined when its lease ends without one. */
  private async waitFor(
    key: string,
    lease: string,
    usable: (value: T) => boolean,
  ): Promise<T | undefined> {
    const redis = this.redis!;
    const shared = redis.key(this.use, key);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      const found = await redis.attempt(this.use, (commands) =>
        commands.multi().get(shared).pTTL(lease).exec(),
      );
      if (found === undefined) return undefined;
      const [text, leaseLeft] = found.value as unknown as [string | null, number];
      const entry = parse<T>(text);
      if (entry !== undefined && entry.until > this.now()) {
        if (!usable(entry.value)) return undefined;
        this.keep(key, entry);
        return entry.value;
      }
      // PTTL answers -2 once the key is gone: the holder ended without an answer.
      if (leaseLeft === -2) return undefined;
    }
  }

  /** The value Redis holds for `key`, kept in process with its end time; undefined if none. */
  private async readShared(key: string): Promise<T | undefined> {
    const redis = this.redis!;
    const shared = await redis.attempt(this.use, (commands) =>
      commands.get(redis.key(this.use, key)),
    );
    const entry = parse<T>(shared?.value);
    if (entry === undefined || entry.until <= this.now()) return undefined;
    this.keep(key, entry);
    return entry.value;
  }

  private async fetchAndSet(key: string, fetch: () => Promise<Entry<T>>): Promise<T> {
    const { value, until } = await fetch();
    await this.set(key, value, until);
    return value;
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
