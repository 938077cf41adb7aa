import { AuthSettings } from '../auth-settings.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

/** The limiter on a clock the test moves. */
class ClockedLimiter extends AuthFailureLimiter {
  time = 1_000_000;
  protected override now(): number {
    return this.time;
  }
}

function limiter(authFailureLimit: number, authFailureWindowSeconds = 60): ClockedLimiter {
  return new ClockedLimiter(
    new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'api',
      authFailureLimit,
      authFailureWindowSeconds,
    }),
  );
}

describe('AuthFailureLimiter', () => {
  it('lets the limit pass, then gives the seconds left in the window', async () => {
    const subject = limiter(3);
    for (let i = 0; i < 3; i++) expect(await subject.failed('10.0.0.1')).toBeUndefined();
    expect(await subject.failed('10.0.0.1')).toBe(60);
    subject.time += 30_500;
    expect(await subject.failed('10.0.0.1')).toBe(30);
  });

  it('starts a new window once the old one ends', async () => {
    const subject = limiter(1, 10);
    await subject.failed('10.0.0.1');
    expect(await subject.failed('10.0.0.1')).toBe(10);
    subject.time += 10_000;
    expect(await subject.failed('10.0.0.1')).toBeUndefined();
    expect(await subject.failed('10.0.0.1')).toBe(10);
  });

  it('counts each address on its own', async () => {
    const subject = limiter(1);
    await subject.failed('10.0.0.1');
    expect(await subject.failed('10.0.0.1')).toBe(60);
    expect(await subject.failed('10.0.0.2')).toBeUndefined();
    expect(await subject.failed(undefined)).toBeUndefined();
    expect(await subject.failed(undefined)).toBe(60);
  });

  it('never limits with a limit of 0', async () => {
    const subject = limiter(0);
    for (let i = 0; i < 1000; i++) expect(await subject.failed('10.0.0.1')).toBeUndefined();
  });

  it('keeps at most 100,000 addresses, dropping the oldest window first', async () => {
    const subject = limiter(1);
    await subject.failed('first');
    expect(await subject.failed('first')).toBe(60);
    for (let i = 0; i < 100_000; i++) await subject.failed(`10.${i}`);
    // The next-oldest stayed, with its count.
    expect(await subject.failed('10.0')).toBe(60);
    // "first" was the oldest of 100,001 windows: it went, so its count starts again.
    expect(await subject.failed('first')).toBeUndefined();
  });
});
