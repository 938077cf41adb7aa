import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import { RevocationList, type Logout, type RevocableToken } from './revocation-list.js';

/** Logouts remembered at most; past it, the one that would be forgotten soonest goes first. */
export const MAX_REVOCATIONS = 100_000;

/** A logout as this list holds it: until `until` (epoch ms). */
export interface HeldLogout extends Logout {
  readonly until: number;
}

/** A subject's logout: its tokens issued at or before `iat` are revoked until `until`. */
interface SubjectLogout {
  iat: number;
  until: number;
}

/** One realm's logouts: ended sessions by `sid`, and subjects by `sub`. */
interface RealmLogouts {
  readonly sessions: Map<string, number>;
  readonly subjects: Map<string, SubjectLogout>;
}

/**
 * The revocation list in this process. Each logout is kept until its `iat` plus
 * `revocationRetentionSeconds` (checked on lookup, swept once a minute), and at most
 * {@link MAX_REVOCATIONS} are held. A lookup is two Map reads by realm and `sid` (or `sub`) and
 * allocates nothing; with nothing revoked it is one number comparison.
 */
@Injectable()
export class InMemoryRevocationList extends RevocationList {
  private readonly logger = new Logger('Revocation');
  private readonly realms = new Map<string, RealmLogouts>();
  private size = 0;
  private nextSweepAt = 0;
  private lifespanChecked: boolean;
  private evictionLoggedAt = -Infinity;
  /** The cap; a test lowers it. */
  protected readonly maxEntries: number = MAX_REVOCATIONS;

  constructor(@Inject(AuthSettings) private readonly settings: AuthSettings) {
    super();
    // Without a receiver nothing is ever revoked, so a token's lifespan does not matter.
    this.lifespanChecked = settings.backchannelLogoutAudiences.length === 0;
  }

  /** How many sessions and subjects are revoked now. */
  get entries(): number {
    return this.size;
  }

  revoke(logout: Logout): Promise<void> {
    const until = (logout.iat + this.settings.revocationRetentionSeconds) * 1000;
    this.hold({ ...logout, until });
    return Promise.resolve();
  }

  isRevoked(token: RevocableToken): boolean {
    if (!this.lifespanChecked) this.checkLifespan(token);
    if (this.size === 0) return false;
    const logouts = this.realms.get(token.realm);
    if (logouts === undefined) return false;
    const now = this.now();
    if (token.sid !== undefined) {
      const until = logouts.sessions.get(token.sid);
      if (until !== undefined && this.live(logouts.sessions, token.sid, until, now)) return true;
    }
    const subject = logouts.subjects.get(token.sub);
    if (subject === undefined || !this.live(logouts.subjects, token.sub, subject.until, now)) {
      return false;
    }
    // A token without `iat` cannot show it came after the logout: refused (fail closed).
    const iat = token.claims.iat;
    return typeof iat !== 'number' || iat <= subject.iat;
  }

  /** The clock; a test overrides it. */
  protected now(): number {
    return Date.now();
  }

  /**
   * Enforces a logout until `until` (epoch ms), unless that is past. Used by `revoke` and by a
   * shared list for the logouts other replicas received; a later `until` or `iat` wins.
   */
  protected hold(entry: HeldLogout): void {
    const now = this.now();
    if (entry.until <= now) return;
    if (now >= this.nextSweepAt) this.sweep(now);
    const logouts = this.realmLogouts(entry.realm);
    const { sid, sub, iat, until } = entry;
    if (sid !== undefined) {
      const known = logouts.sessions.get(sid);
      if (known === undefined) this.size++;
      logouts.sessions.set(sid, Math.max(until, known ?? 0));
    } else if (sub !== undefined) {
      const known = logouts.subjects.get(sub);
      if (known === undefined) this.size++;
      // A later logout of the same subject covers the tokens the earlier one did, and more.
      const later = known === undefined || iat >= known.iat;
      if (later) logouts.subjects.set(sub, { iat, until: Math.max(until, known?.until ?? 0) });
    }
    if (this.size > this.maxEntries) this.evictSoonest();
  }

  /** Every logout enforced now, with its end (`iat` is 0 for a session: it plays no part). */
  protected *held(): Generator<HeldLogout> {
    const now = this.now();
    for (const [realm, { sessions, subjects }] of this.realms) {
      for (const [sid, until] of sessions) {
        if (until > now) yield { realm, sid, iat: 0, until };
      }
      for (const [sub, { iat, until }] of subjects) {
        if (until > now) yield { realm, sub, iat, until };
      }
    }
  }

  private realmLogouts(realm: string): RealmLogouts {
    let logouts = this.realms.get(realm);
    if (logouts === undefined) {
      logouts = { sessions: new Map(), subjects: new Map() };
      this.realms.set(realm, logouts);
    }
    return logouts;
  }

  /** Whether an entry is still in force; a forgotten one is deleted on the way. */
  private live(map: Map<string, unknown>, key: string, until: number, now: number): boolean {
    if (now < until) return true;
    map.delete(key);
    this.size--;
    return false;
  }

  /** Drops every entry past its time; runs at most once a minute, when a logout arrives. */
  private sweep(now: number): void {
    this.nextSweepAt = now + 60_000;
    for (const { sessions, subjects } of this.realms.values()) {
      for (const [sid, until] of sessions) this.live(sessions, sid, until, now);
      for (const [sub, { until }] of subjects) this.live(subjects, sub, until, now);
    }
  }

  /** Over the cap: forgets the entry that would have been forgotten first, and says so. */
  private evictSoonest(): void {
    let soonest: { map: Map<string, unknown>; key: string; until: number } | undefined;
    for (const { sessions, subjects } of this.realms.values()) {
      for (const [key, until] of sessions) {
        if (!soonest || until < soonest.until) soonest = { map: sessions, key, until };
      }
      for (const [key, { until }] of subjects) {
        if (!soonest || until < soonest.until) soonest = { map: subjects, key, until };
      }
    }
    if (soonest === undefined) return;
    soonest.map.delete(soonest.key);
    this.size--;
    const now = this.now();
    if (now - this.evictionLoggedAt < 60_000) return;
    this.evictionLoggedAt = now;
    this.logger.warn({
      event: 'revocation_list_full',
      limit: this.maxEntries,
      message: `More than ${this.maxEntries} logouts to remember: the ones closest to their end are forgotten early`,
    });
  }

  /** Warns once when tokens outlive the retention: such a token passes again once forgotten. */
  private checkLifespan(token: RevocableToken): void {
    const { iat, exp } = token.claims;
    if (typeof iat !== 'number' || typeof exp !== 'number') return;
    const retention = this.settings.revocationRetentionSeconds;
    if (exp - iat <= retention) return;
    this.lifespanChecked = true;
    this.logger.warn({
      event: 'revocation_retention_short',
      tokenLifespanSeconds: exp - iat,
      retentionSeconds: retention,
      message: `An access token lives ${exp - iat} s, longer than REVOCATION_RETENTION_SECONDS (${retention} s): a logged-out token may pass again once its logout is forgotten`,
    });
  }
}
