import type { RedisConnection } from './redis-connection.js';
import { SharedCache } from './shared-cache.js';

/** What the cache sends Redis, answered from a Map; `down` makes every command fail. */
class FakeRedis {
  readonly configured = true;
  readonly values = new Map<string, string>();
  down = false;

  key(...parts: string[]): string {
    return parts.join(':');
  }

  attempt<T>(_use: string, command: (redis: unknown) => Promise<T>) {
    if (this.down) return Promise.resolve(undefined);
    return command(this.commands()).then((value) => ({ value }));
  }

  private commands() {
    const values = this.values;
    return {
      get: (key: string) => Promise.resolve(values.get(key) ?? null),
      set: (key: string, value: string, options?: { condition?: 'NX' }) => {
        if (options?.condition === 'NX' && values.has(key)) return Promise.resolve(null);
        values.set(key, value);
        return Promise.resolve('OK');
      },
      del: (key: string) => Promise.resolve(values.delete(key) ? 1 : 0),
      multi() {
        const replies: unknown[] = [];
        const chain = {
          get: (key: string) => (replies.push(values.get(key) ?? null), chain),
          pTTL: (key: string) => (replies.push(values.has(key) ? 1_000 : -2), chain),
          exec: () => Promise.resolve(replies),
        };
        return chain;
      },
    };
  }
}

const FUTURE = Date.now() + 60_000;

describe('SharedCache.fetchOnce', () => {
  let redis: FakeRedis;
  let cache: SharedCache<string>;
  let fetches: number;
  const fetch = (value: string) => () => {
    fetches++;
    return Promise.resolve({ value, until: FUTURE });
  };

  beforeEach(() => {
    redis = new FakeRedis();
    cache = new SharedCache<string>('introspection', 10, redis as unknown as RedisConnection);
    fetches = 0;
  });

  it('fetches under its lease, shares the answer and gives the lease back', async () => {
    await expect(cache.fetchOnce('k', fetch('mine'))).resolves.toBe('mine');
    expect(fetches).toBe(1);
    expect(JSON.parse(redis.values.get('introspection:k')!)).toEqual({
      value: 'mine',
      until: FUTURE,
    });
    expect(redis.values.has('introspection:k:lease')).toBe(false);
  });

  it('takes the lease but uses the answer the last holder stored since the miss', async () => {
    const missed = await cache.get('k');
    redis.values.set('introspection:k', JSON.stringify({ value: 'stored', until: FUTURE }));

    await expect(cache.fetchOnce('k', fetch('mine'))).resolves.toBe('stored');
    expect(missed).toBeUndefined();
    expect(fetches).toBe(0);
    expect(redis.values.has('introspection:k:lease')).toBe(false);
  });

  it("waits for the lease holder's answer instead of fetching", async () => {
    redis.values.set('introspection:k:lease', '1');
    const waiting = cache.fetchOnce('k', fetch('mine'));
    redis.values.set('introspection:k', JSON.stringify({ value: 'theirs', until: FUTURE }));

    await expect(waiting).resolves.toBe('theirs');
    expect(fetches).toBe(0);
    // Kept in process too: the next lookup does not ask Redis.
    redis.down = true;
    await expect(cache.get('k')).resolves.toBe('theirs');
  });

  it('fetches itself when the lease ends without an answer (its holder failed)', async () => {
    redis.values.set('introspection:k:lease', '1');
    const waiting = cache.fetchOnce('k', fetch('mine'));
    redis.values.delete('introspection:k:lease');

    await expect(waiting).resolves.toBe('mine');
    expect(fetches).toBe(1);
  });

  it('fetches itself when the answer that arrives is not one it can use', async () => {
    redis.values.set('introspection:k:lease', '1');
    const waiting = cache.fetchOnce('k', fetch('full'), (value) => value === 'full');
    redis.values.set('introspection:k', JSON.stringify({ value: 'partial', until: FUTURE }));

    await expect(waiting).resolves.toBe('full');
    expect(fetches).toBe(1);
  });

  it('fetches alone while Redis is down, and when no Redis is configured', async () => {
    redis.down = true;
    await expect(cache.fetchOnce('k', fetch('alone'))).resolves.toBe('alone');
    const local = new SharedCache<string>('introspection', 10);
    await expect(local.fetchOnce('k', fetch('local'))).resolves.toBe('local');
    expect(fetches).toBe(2);
  });

  it('keeps nothing and gives the lease back when the fetch fails', async () => {
    const failing = () => Promise.reject(new Error('keycloak down'));
    await expect(cache.fetchOnce('k', failing)).rejects.toThrow('keycloak down');
    expect([...redis.values.keys()]).toEqual([]);
  });
});
