import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import type { AuthPrincipal } from '../principal.js';
import { RevocationList, type RevocableToken } from '../revocation/revocation-list.js';
import { testPrincipal } from '../testing/test-principal.js';
import { TOKEN_WATCH_INTERVAL_MS, TokenWatch, type TokenEnd } from './token-watch.js';

const NOW = 1_800_000_000_000; // ms

class RevokedSubjects extends RevocationList {
  readonly subjects = new Set<string>();
  revoke(): Promise<void> {
    return Promise.resolve();
  }
  isRevoked(token: RevocableToken): boolean {
    return this.subjects.has(token.sub);
  }
}

class Answers extends IntrospectionClient {
  active: boolean | Error = true;
  readonly asked: string[] = [];
  isActive(token: string): Promise<boolean> {
    this.asked.push(token);
    return this.active instanceof Error
      ? Promise.reject(this.active)
      : Promise.resolve(this.active);
  }
}

const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'api',
  clockToleranceSeconds: 5,
});

function principal(sub: string, expInSeconds = 3600): AuthPrincipal {
  return testPrincipal({ sub, exp: NOW / 1000 + expInSeconds });
}

describe('TokenWatch', () => {
  let revocations: RevokedSubjects;
  let introspection: Answers;
  let watch: TokenWatch;
  let ends: TokenEnd[];
  const record = (why: TokenEnd) => ends.push(why);

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    revocations = new RevokedSubjects();
    introspection = new Answers();
    watch = new TokenWatch(settings, revocations, introspection);
    ends = [];
  });

  afterEach(() => {
    watch.onModuleDestroy();
    jest.useRealTimers();
  });

  it('ends a token at exp plus the clock tolerance, not before', () => {
    watch.watch(principal('alice', 10), 'token', record);

    jest.advanceTimersByTime(14_750);
    expect(ends).toEqual([]);
    jest.advanceTimersByTime(TOKEN_WATCH_INTERVAL_MS);
    expect(ends).toEqual(['expired']);
    expect(watch.size).toBe(0);
  });

  it('ends a revoked token within one sweep and spares the others', () => {
    watch.watch(principal('alice'), 'a', record);
    const others: TokenEnd[] = [];
    watch.watch(principal('bob'), 'b', (why) => others.push(why));

    revocations.subjects.add('alice');
    jest.advanceTimersByTime(TOKEN_WATCH_INTERVAL_MS);

    expect(ends).toEqual(['revoked']);
    expect(others).toEqual([]);
    expect(watch.size).toBe(1);
  });

  it('reports an end once, and never after stop()', () => {
    const stopped = watch.watch(principal('alice'), 'a', record);
    watch.watch(principal('carol'), 'c', record);
    stopped.stop();
    revocations.subjects.add('alice').add('carol');

    jest.advanceTimersByTime(TOKEN_WATCH_INTERVAL_MS * 4);

    expect(ends).toEqual(['revoked']);
  });

  it('asks introspection only once introspect() is called, and ends an inactive token', async () => {
    const watched = watch.watch(principal('alice'), 'alice-token', record);
    jest.advanceTimersByTime(TOKEN_WATCH_INTERVAL_MS);
    expect(introspection.asked).toEqual([]);

    watched.introspect();
    await jest.advanceTimersByTimeAsync(TOKEN_WATCH_INTERVAL_MS);
    expect(introspection.asked).toEqual(['alice-token']);
    expect(ends).toEqual([]);

    introspection.active = false;
    await jest.advanceTimersByTimeAsync(TOKEN_WATCH_INTERVAL_MS);
    expect(ends).toEqual(['inactive']);
  });

  it('keeps the connection while Keycloak cannot answer, and asks again', async () => {
    introspection.active = new Error('down');
    watch.watch(principal('alice'), 'alice-token', record).introspect();

    await jest.advanceTimersByTimeAsync(TOKEN_WATCH_INTERVAL_MS * 3);

    expect(ends).toEqual([]);
    expect(introspection.asked).toHaveLength(3);
  });

  it('keeps sweeping when a listener throws, and logs only the error name', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    watch.watch(principal('alice'), 'a', () => {
      throw new Error('listener bug');
    });
    watch.watch(principal('bob'), 'b', record);
    revocations.subjects.add('alice').add('bob');

    jest.advanceTimersByTime(TOKEN_WATCH_INTERVAL_MS);

    expect(ends).toEqual(['revoked']);
    expect(watch.size).toBe(0);
    expect(error).toHaveBeenCalledWith({
      event: 'token_watch_listener_failed',
      errorName: 'Error',
    });
    error.mockRestore();
  });

  it('runs its timer only while something is watched', () => {
    expect(jest.getTimerCount()).toBe(0);
    const watched = watch.watch(principal('alice'), 'a', record);
    expect(jest.getTimerCount()).toBe(1);
    watched.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
