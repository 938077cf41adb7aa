import { Inject, Injectable } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';

/** Client addresses tracked at most; beyond it the oldest window is dropped. */
const MAX_CLIENTS = 100_000;

interface Window {
  /** Epoch ms at which this window ends. */
  until: number;
  failures: number;
}

/**
 * Counts failed authentications per client IP in fixed windows. Once an address is past the
 * limit, its further failures are answered 429 (with the seconds left in its window) instead
 * of 401. Only failures are counted and only failures are turned away: a valid token from the
 * same address passes as before, and valid traffic never touches this class. In memory, per
 * process; bounded, so a flood of spoofed addresses costs a fixed amount of memory.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(@Inject(AuthSettings) private readonly settings: AuthSettings) {}

  /**
   * Records one failed authentication from `ip`; returns the seconds until its window ends
   * when the address is now past the limit (answer 429), else undefined (answer as usual).
   */
  failed(ip: string | undefined): number | undefined {
    const { authFailureLimit: limit, authFailureWindowMs: windowMs } = this.settings;
    if (limit === 0) return undefined;
    const key = ip ?? 'unknown';
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

  /** The clock; a test overrides it. */
  protected now(): number {
    return Date.now();
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
