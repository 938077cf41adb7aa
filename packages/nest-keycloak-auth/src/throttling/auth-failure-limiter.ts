import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import { RedisConnection } from '../redis/redis-connection.js';

/** Client addresses tracked at most; beyond it the oldest window is dropped. */
const MAX_CLIENTS = 100_000;

interface Window {
  /** Epoch ms at which this window ends. */
  until: number;
  failures: number;
}

/**
 * One failure in Redis, atomically: the count and the window's remaining ms. The first failure
 * of a window starts its expiry, so every replica counts in the same window.
 */
const COUNT_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return { failures, left }`;

/**
 * Counts failed authentications per client IP in fixed windows. Once an address is past the
 * limit, its further failures are answered 429 (with the seconds left in its window) instead
 * of 401. Only failures are counted and only failures are turned away: a valid token from the
 * same address passes as before, and valid traffic never touches this class. In memory, per
 * process, or in Redis for all replicas when `redisUrl` is set (one counter per address, expiring
 * with its window; in process again while Redis fails). Bounded in process, so a flood of
 * spoofed addresses costs a fixed amount of memory.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Optional() @Inject(RedisConnection) private readonly redis?: RedisConnection,
  ) {}

  /**
   * Records one failed authentication from `ip`; resolves the seconds until its window ends
   * when the address is now past the limit (answer 429), else undefined (answer as usual).
   */
  async failed(ip: string | undefined): Promise<number | undefined> {
    const { authFailureLimit: limit, authFailureWindowMs: windowMs } = this.settings;
    if (limit === 0) return undefined;
    const key = ip ?? 'unknown';
    if (this.redis?.configured) {
      const shared = await this.redis.attempt('failure_limit', (redis) =>
        redis.eval(COUNT_FAILURE, {
          keys: [this.redis!.key('failures', key)],
          arguments: [String(windowMs)],
        }),
      );
      if (shared !== undefined) {
        const [failures, left] = shared.value as [number, number];
        return failures <= limit ? undefined : Math.max(1, Math.ceil(left / 1000));
      }
    }
    return this.failedHere(key, limit, windowMs);
  }

  /** The clock; a test overrides it. */
  protected now(): number {
    return Date.now();
  }

  /** Counts the failure in this process's own window for the address. */
  private failedHere(key: string, limit: number, windowMs: number): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now >= window.until) {
      // Re-inserted, so the map's order stays the order in which windows end.
      this.windows.delete(key);
      window = { until: now + windowMs, failures: 0 };
      this.windows.set(key, window);
      this.bound(now);
    }
    window.failures++;
    if (window.failures <= limit) return undefined;
    return Math.max(1, Math.ceil((window.until - now) / 1000));
  }

  /** Drops ended windows from the oldest on, then the oldest live one if still over the bound. */
  private bound(now: number): void {
    if (this.windows.size <= MAX_CLIENTS) return;
    for (const [key, window] of this.windows) {
      if (window.until > now && this.windows.size <= MAX_CLIENTS) return;
      this.windows.delete(key);
    }
  }
}
