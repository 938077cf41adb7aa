import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import { isStillActive } from '../introspection/still-active.js';
import type { AuthPrincipal } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';

/** Why a watched token stopped being good. */
export type TokenEnd = 'expired' | 'revoked' | 'inactive';

/** One long-lived connection's token under watch. */
export interface WatchedToken {
  /** From now on, also ask Keycloak (through the introspection cache) on every sweep. */
  introspect(): void;
  /** Forget it: call when the connection closes. */
  stop(): void;
}

/** How often the watched tokens are looked at: an end is seen within this many ms. */
export const TOKEN_WATCH_INTERVAL_MS = 250;

interface Watch {
  readonly principal: AuthPrincipal;
  readonly token: string;
  readonly onEnd: (why: TokenEnd) => void;
  introspected: boolean;
  asking: boolean;
}

/**
 * Ends long-lived connections (GraphQL subscriptions, WebSocket gateways) whose token stopped
 * being good after the handshake: at `exp` (with the clock tolerance HTTP allows), when a
 * logout revokes it (the revocation list, fed by other replicas too), or when introspection
 * says it is no longer active. One timer sweeps every watched token, so each end is seen
 * within {@link TOKEN_WATCH_INTERVAL_MS}; the timer runs only while something is watched.
 */
@Injectable()
export class TokenWatch implements OnModuleDestroy {
  private readonly logger = new Logger('TokenWatch');
  private readonly watched = new Set<Watch>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Optional() @Inject(RevocationList) private readonly revocations?: RevocationList,
    @Optional() @Inject(IntrospectionClient) private readonly introspection?: IntrospectionClient,
  ) {}

  /**
   * Watches `principal`'s token (verified, `token` its compact form) and calls `onEnd` once,
   * when it ends. An end found now (already expired or revoked) is reported on the first sweep.
   */
  watch(principal: AuthPrincipal, token: string, onEnd: (why: TokenEnd) => void): WatchedToken {
    const watch: Watch = { principal, token, onEnd, introspected: false, asking: false };
    this.watched.add(watch);
    this.timer ??= setInterval(() => this.sweep(), TOKEN_WATCH_INTERVAL_MS).unref();
    return {
      introspect: () => {
        watch.introspected = this.introspection !== undefined;
      },
      stop: () => this.forget(watch),
    };
  }

  /** How many tokens are watched (for metrics and tests). */
  get size(): number {
    return this.watched.size;
  }

  onModuleDestroy(): void {
    this.watched.clear();
    this.stopTimer();
  }

  private sweep(): void {
    const now = Date.now() / 1000;
    for (const watch of this.watched) {
      const end = this.endOf(watch.principal, now);
      if (end !== undefined) this.end(watch, end);
      else if (watch.introspected && !watch.asking) this.ask(watch);
    }
  }

  /** Expired as jose judges `exp` on HTTP (tolerance included), else revoked, else nothing. */
  private endOf(principal: AuthPrincipal, now: number): TokenEnd | undefined {
    if (now >= principal.exp + this.settings.clockToleranceSeconds) return 'expired';
    if (this.revocations?.isRevoked(principal)) return 'revoked';
    return undefined;
  }

  /**
   * One question in flight per token; the introspection cache bounds Keycloak's load. When
   * Keycloak cannot answer, the connection stays and the next sweep asks again: an outage of
   * Keycloak does not cut every open socket, and `exp` still ends it.
   */
  private ask(watch: Watch): void {
    watch.asking = true;
    isStillActive(this.introspection!, watch.token, watch.principal).then(
      (active) => {
        watch.asking = false;
        if (!active && this.watched.has(watch)) this.end(watch, 'inactive');
      },
      () => {
        watch.asking = false;
      },
    );
  }

  private end(watch: Watch, why: TokenEnd): void {
    this.forget(watch);
    try {
      watch.onEnd(why);
    } catch (error) {
      // A listener's failure must not stop the sweep for the other connections.
      this.logger.error({ event: 'token_watch_listener_failed', errorName: nameOf(error) });
    }
  }

  private forget(watch: Watch): void {
    this.watched.delete(watch);
    if (this.watched.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
