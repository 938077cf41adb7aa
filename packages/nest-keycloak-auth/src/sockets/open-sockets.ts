import type { AuthPrincipal } from '../principal.js';

/**
 * The WebSockets each principal (realm and `sub`) holds open in this process, against
 * `wsSocketsPerPrincipal`. Entries go when their count drops to zero, so the map holds only
 * principals with an open socket.
 */
export class OpenSockets {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Whether `principal` may open one more. */
  hasRoom(principal: AuthPrincipal): boolean {
    return (this.counts.get(keyOf(principal)) ?? 0) < this.limit;
  }

  /** Counts one more socket; returns its release, or undefined when the principal is full. */
  open(principal: AuthPrincipal): (() => void) | undefined {
    const key = keyOf(principal);
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }
}

function keyOf(principal: AuthPrincipal): string {
  // A `sub` is unique within its realm only.
  return `${principal.realm}\n${principal.sub}`;
}
