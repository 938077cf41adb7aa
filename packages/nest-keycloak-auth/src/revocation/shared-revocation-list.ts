import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { InMemoryRevocationList, type HeldLogout } from './in-memory-revocation-list.js';
import type { Logout } from './revocation-list.js';

/** The sorted set of logouts (score: when each ends) and the channel that announces them. */
const REVOCATIONS = 'revocations';
/** Logouts per write and per message when a replica writes back what it holds. */
const BATCH = 1000;

/** A logout as replicas exchange it: its member in the sorted set, and its end (epoch ms). */
type Announced = [member: string, until: number];

/**
 * The revocation list shared by the replicas through Redis. Lookups stay in memory (the
 * in-memory list this extends). A logout received by any replica is applied there at once,
 * added to a Redis sorted set (score: when it ends, so old ones are trimmed) and announced on a
 * pub/sub channel, which every replica applies within milliseconds. Whenever Redis is ready
 * again (at start, after a reconnect) each replica merges the set into its memory and writes
 * back, and announces, what the set lacks: a Redis that restarted empty, or a logout received
 * while Redis was down, never un-revokes a token.
 */
@Injectable()
export class SharedRevocationList extends InMemoryRevocationList {
  private readonly log = new Logger('Revocation');
  private malformedLogged = false;

  constructor(
    @Inject(AuthSettings) private readonly shared: AuthSettings,
    @Inject(RedisConnection) private readonly redis: RedisConnection,
  ) {
    super(shared);
    redis.subscribe(REVOCATIONS, (message) => this.received(message));
    redis.onReady(() => this.merge());
  }

  override async revoke(logout: Logout): Promise<void> {
    const entry = {
      ...logout,
      until: (logout.iat + this.shared.revocationRetentionSeconds) * 1000,
    };
    this.hold(entry);
    // Redis failing leaves it here alone until the next merge writes it back.
    await this.share([entry]);
  }

  /** Adds logouts to the set (keeping the later end of each) and announces them. */
  private share(entries: HeldLogout[]): Promise<unknown> {
    const key = this.redis.key(REVOCATIONS);
    const announced: Announced[] = entries.map((entry) => [member(entry), entry.until]);
    return this.redis.attempt('revocation', (redis) =>
      redis
        .multi()
        .zAdd(
          key,
          announced.map(([value, score]) => ({ value, score })),
          { GT: true },
        )
        .zRemRangeByScore(key, '-inf', this.now())
        .publish(key, JSON.stringify(announced))
        .exec(),
    );
  }

  /** Applies what another replica (or this one) announced. */
  private received(message: string): void {
    let announced: unknown;
    try {
      announced = JSON.parse(message);
    } catch {
      announced = undefined;
    }
    if (!Array.isArray(announced)) return this.malformed();
    for (const item of announced) {
      const entry = Array.isArray(item) ? this.decode(item[0], item[1]) : undefined;
      if (entry === undefined) this.malformed();
      else this.hold(entry);
    }
  }

  /** Takes in what Redis holds, then writes back and announces what it lacks. */
  private async merge(): Promise<void> {
    const key = this.redis.key(REVOCATIONS);
    const now = this.now();
    const shared = await this.redis.attempt('revocation', (redis) =>
      redis.zRangeByScoreWithScores(key, now, '+inf'),
    );
    // Thrown, so the connection tries the merge again.
    if (shared === undefined) throw new Error('revocation merge failed');
    const inRedis = new Map<string, number>();
    for (const { value, score } of shared.value) {
      inRedis.set(value, score);
      const entry = this.decode(value, score);
      if (entry === undefined) this.malformed();
      else this.hold(entry);
    }
    const missing = [...this.held()].filter(
      (entry) => (inRedis.get(member(entry)) ?? 0) < entry.until,
    );
    for (let start = 0; start < missing.length; start += BATCH) {
      await this.share(missing.slice(start, start + BATCH));
    }
  }

  /** A member and its end back into a logout; undefined when malformed or of another realm. */
  private decode(text: unknown, until: unknown): HeldLogout | undefined {
    if (typeof text !== 'string' || typeof until !== 'number' || !Number.isFinite(until)) {
      return undefined;
    }
    let parts: unknown;
    try {
      parts = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parts)) return undefined;
    const [kind, realm, id, iat] = parts as unknown[];
    if (typeof realm !== 'string' || !this.shared.realms.includes(realm)) return undefined;
    if (typeof id !== 'string' || id === '') return undefined;
    if (kind === 's' && parts.length === 3) return { realm, sid: id, iat: 0, until };
    if (kind === 'u' && parts.length === 4 && typeof iat === 'number') {
      return { realm, sub: id, iat, until };
    }
    return undefined;
  }

  private malformed(): void {
    if (this.malformedLogged) return;
    this.malformedLogged = true;
    this.log.warn({
      event: 'revocation_malformed',
      message: 'Ignored a revocation from Redis that this version cannot read',
    });
  }
}

/** A session's member is its realm and `sid`; a subject's also carries the logout's `iat`. */
function member(entry: HeldLogout): string {
  return JSON.stringify(
    entry.sid !== undefined
      ? ['s', entry.realm, entry.sid]
      : ['u', entry.realm, entry.sub, entry.iat],
  );
}
