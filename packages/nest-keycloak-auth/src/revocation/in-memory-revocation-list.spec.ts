import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import type { AuthPrincipal } from '../principal.js';
import { InMemoryRevocationList } from './in-memory-revocation-list.js';
import type { RevocableToken } from './revocation-list.js';

const T0 = 1_800_000_000; // seconds

/** The list on a clock the test moves, with a small cap. */
class ClockedList extends InMemoryRevocationList {
  time = T0 * 1000;
  protected override readonly maxEntries = 3;
  protected override now(): number {
    return this.time;
  }
}

function list(revocationRetentionSeconds = 600, receiver = true): ClockedList {
  return new ClockedList(
    new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'api',
      ...(receiver && { backchannelLogoutAudiences: ['web'] }),
      revocationRetentionSeconds,
    }),
  );
}

function token(fields: { sid?: string; sub?: string; iat?: number; realm?: string }) {
  const { sid, sub = 'user-1', iat = T0 - 10, realm = 'demo' } = fields;
  const claims = { iat, exp: iat + 300 } as AuthPrincipal['claims'];
  return { realm, sid, sub, claims } satisfies RevocableToken;
}

describe('InMemoryRevocationList', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('revokes every token of a logged-out session, and only that session', async () => {
    const subject = list();
    await subject.revoke({ realm: 'demo', sid: 's1', sub: 'user-1', iat: T0 });
    expect(subject.isRevoked(token({ sid: 's1' }))).toBe(true);
    expect(subject.isRevoked(token({ sid: 's1', iat: T0 + 5 }))).toBe(true);
    expect(subject.isRevoked(token({ sid: 's2' }))).toBe(false);
    // A sid logout names the session: the user's other sessions go on.
    expect(subject.isRevoked(token({ sid: 's2', sub: 'user-1' }))).toBe(false);
  });

  it('keeps realms apart: a sid of one realm revokes nothing in another', async () => {
    const subject = list();
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 });
    expect(subject.isRevoked(token({ sid: 's1', realm: 'partners' }))).toBe(false);
  });

  it('revokes a subject’s tokens issued at or before the logout, and spares later ones', async () => {
    const subject = list();
    await subject.revoke({ realm: 'demo', sub: 'user-1', iat: T0 });
    expect(subject.isRevoked(token({ sid: 'a', iat: T0 - 1 }))).toBe(true);
    expect(subject.isRevoked(token({ sid: 'b', iat: T0 }))).toBe(true);
    expect(subject.isRevoked(token({ sid: 'c', iat: T0 + 1 }))).toBe(false);
    expect(subject.isRevoked(token({ sub: 'user-2' }))).toBe(false);
  });

  it('refuses a token without iat once its subject was logged out (fail closed)', async () => {
    const subject = list();
    await subject.revoke({ realm: 'demo', sub: 'user-1', iat: T0 });
    const noIat = { ...token({}), claims: {} as AuthPrincipal['claims'] };
    expect(subject.isRevoked(noIat)).toBe(true);
  });

  it('forgets a logout once its iat plus the retention has passed', async () => {
    const subject = list(600);
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 });
    await subject.revoke({ realm: 'demo', sub: 'user-1', iat: T0 });
    subject.time = (T0 + 599) * 1000;
    expect(subject.isRevoked(token({ sid: 's1' }))).toBe(true);
    subject.time = (T0 + 600) * 1000;
    expect(subject.isRevoked(token({ sid: 's1' }))).toBe(false);
    expect(subject.entries).toBe(0);
  });

  it('does not record a logout already older than the retention', async () => {
    const subject = list(600);
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 - 600 });
    expect(subject.entries).toBe(0);
  });

  it('sweeps forgotten logouts when a new one arrives, so they cost no memory', async () => {
    const subject = list(600);
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 });
    subject.time = (T0 + 700) * 1000;
    await subject.revoke({ realm: 'demo', sid: 's2', iat: T0 + 700 });
    expect(subject.entries).toBe(1);
  });

  it('holds at most its cap, forgetting the logout that would end soonest', async () => {
    const subject = list(600);
    await subject.revoke({ realm: 'demo', sid: 'late', iat: T0 + 3 });
    await subject.revoke({ realm: 'demo', sid: 'early', iat: T0 + 1 });
    await subject.revoke({ realm: 'demo', sub: 'user-9', iat: T0 + 2 });
    await subject.revoke({ realm: 'demo', sid: 'newest', iat: T0 + 4 });
    expect(subject.entries).toBe(3);
    expect(subject.isRevoked(token({ sid: 'early' }))).toBe(false);
    expect(subject.isRevoked(token({ sid: 'late' }))).toBe(true);
    expect(subject.isRevoked(token({ sid: 'newest' }))).toBe(true);
    expect(subject.isRevoked(token({ sub: 'user-9' }))).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({ event: 'revocation_list_full', limit: 3 });
  });

  it('counts a session logged out twice once, and keeps it to the later end', async () => {
    const subject = list(600);
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 });
    await subject.revoke({ realm: 'demo', sid: 's1', iat: T0 + 100 });
    expect(subject.entries).toBe(1);
    subject.time = (T0 + 650) * 1000;
    expect(subject.isRevoked(token({ sid: 's1' }))).toBe(true);
  });

  it('warns once when a token outlives the retention, naming both numbers', () => {
    const subject = list(600);
    subject.isRevoked(token({ iat: T0 - 600 })); // lives 300 s: fine
    expect(warn).not.toHaveBeenCalled();
    const longLived = {
      ...token({}),
      claims: { iat: T0, exp: T0 + 900 } as AuthPrincipal['claims'],
    };
    subject.isRevoked(longLived);
    subject.isRevoked(longLived);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({
      event: 'revocation_retention_short',
      tokenLifespanSeconds: 900,
      retentionSeconds: 600,
    });
  });

  it('does not warn about lifespans while the receiver is off (nothing is ever revoked)', () => {
    const subject = list(600, false);
    subject.isRevoked({
      ...token({}),
      claims: { iat: T0, exp: T0 + 900 },
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
