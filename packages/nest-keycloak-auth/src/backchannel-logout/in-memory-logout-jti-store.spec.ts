import { InMemoryLogoutJtiStore } from './in-memory-logout-jti-store.js';

/** The store on a clock the test moves, with a small cap. */
class ClockedStore extends InMemoryLogoutJtiStore {
  time = 1_000_000;
  protected override readonly maxEntries = 2;
  protected override now(): number {
    return this.time;
  }
}

describe('InMemoryLogoutJtiStore', () => {
  it('accepts a jti once, and refuses it again until its token has expired', async () => {
    const store = new ClockedStore();
    await expect(store.remember('demo', 'j1', 1_060_000)).resolves.toBe(true);
    await expect(store.remember('demo', 'j1', 1_060_000)).resolves.toBe(false);
    store.time = 1_060_000;
    await expect(store.remember('demo', 'j1', 1_120_000)).resolves.toBe(true);
  });

  it('keeps realms apart: the same jti from two issuers is two tokens', async () => {
    const store = new ClockedStore();
    await expect(store.remember('demo', 'j1', 1_060_000)).resolves.toBe(true);
    await expect(store.remember('partners', 'j1', 1_060_000)).resolves.toBe(true);
  });

  it('holds at most its cap, dropping the oldest first', async () => {
    const store = new ClockedStore();
    await store.remember('demo', 'j1', 1_060_000);
    await store.remember('demo', 'j2', 1_060_000);
    await store.remember('demo', 'j3', 1_060_000);
    await expect(store.remember('demo', 'j3', 1_060_000)).resolves.toBe(false);
    await expect(store.remember('demo', 'j2', 1_060_000)).resolves.toBe(false);
    // j1 was dropped to make room for j3: it is new again.
    await expect(store.remember('demo', 'j1', 1_060_000)).resolves.toBe(true);
  });
});
