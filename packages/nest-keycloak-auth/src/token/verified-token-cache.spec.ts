import type { AuthPrincipal } from '../principal.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const NOW = 1_800_000_000_000;

function principal(sub: string, expSeconds = NOW / 1000 + 300, realm = 'demo'): AuthPrincipal {
  return {
    sub,
    realm,
    realmRoles: [],
    clientRoles: [],
    roles: new Set(),
    scopes: [],
    organizations: [],
    exp: expSeconds,
    claims: { sub },
  };
}

describe('VerifiedTokenCache', () => {
  it('returns what was stored for the same token only', () => {
    const cache = new VerifiedTokenCache(10, 60_000, 30_000);
    cache.set('token-a', principal('a'), 'k1', NOW);
    expect(cache.get('token-a', NOW)?.sub).toBe('a');
    expect(cache.get('token-b', NOW)).toBeUndefined();
  });

  it('forgets an entry at the max age', () => {
    const cache = new VerifiedTokenCache(10, 60_000, 0);
    cache.set('t', principal('a'), 'k1', NOW);
    expect(cache.get('t', NOW + 59_999)).toBeDefined();
    expect(cache.get('t', NOW + 60_000)).toBeUndefined();
  });

  it('never serves a token past its exp plus the tolerance', () => {
    const cache = new VerifiedTokenCache(10, 600_000, 30_000);
    cache.set('t', principal('a', NOW / 1000 + 10), 'k1', NOW);
    expect(cache.get('t', NOW + 39_999)).toBeDefined();
    expect(cache.get('t', NOW + 40_000)).toBeUndefined();
  });

  it('evicts the least recently used entry beyond max entries', () => {
    const cache = new VerifiedTokenCache(2, 60_000, 0);
    cache.set('a', principal('a'), 'k1', NOW);
    cache.set('b', principal('b'), 'k1', NOW);
    cache.get('a', NOW);
    cache.set('c', principal('c'), 'k1', NOW);
    expect(cache.size).toBe(2);
    expect(cache.get('b', NOW)).toBeUndefined();
    expect(cache.get('a', NOW)?.sub).toBe('a');
    expect(cache.get('c', NOW)?.sub).toBe('c');
  });

  it('gives a read entry one more round only: unread since, it goes in turn', () => {
    const cache = new VerifiedTokenCache(2, 60_000, 0);
    cache.set('a', principal('a'), 'k1', NOW);
    cache.set('b', principal('b'), 'k1', NOW);
    cache.get('a', NOW);
    cache.set('c', principal('c'), 'k1', NOW); // b goes, a is spared with its flag cleared
    cache.set('d', principal('d'), 'k1', NOW); // c is now the oldest unread: it goes
    expect(cache.get('c', NOW)).toBeUndefined();
    expect(cache.get('a', NOW)?.sub).toBe('a');
    expect(cache.get('d', NOW)?.sub).toBe('d');
  });

  it('evicts an expired entry before a read one', () => {
    const cache = new VerifiedTokenCache(2, 60_000, 0);
    cache.set('a', principal('a'), 'k1', NOW);
    cache.set('b', principal('b', NOW / 1000 + 1), 'k1', NOW);
    cache.get('a', NOW);
    cache.get('b', NOW);
    cache.set('c', principal('c'), 'k1', NOW + 2_000);
    expect(cache.size).toBe(2);
    expect(cache.get('a', NOW + 2_000)?.sub).toBe('a');
    expect(cache.get('c', NOW + 2_000)?.sub).toBe('c');
  });

  it('drops entries of keys that left the JWKS, and entries without a kid', () => {
    const cache = new VerifiedTokenCache(10, 60_000, 0);
    cache.set('old', principal('old'), 'k1', NOW);
    cache.set('new', principal('new'), 'k2', NOW);
    cache.set('none', principal('none'), undefined, NOW);
    cache.dropKeys(['k1'], 'demo');
    expect(cache.get('old', NOW)).toBeUndefined();
    expect(cache.get('none', NOW)).toBeUndefined();
    expect(cache.get('new', NOW)?.sub).toBe('new');
  });

  it("drops only that realm's entries when a key leaves one realm's JWKS", () => {
    const cache = new VerifiedTokenCache(10, 60_000, 0);
    cache.set('demo', principal('a', undefined, 'demo'), 'k1', NOW);
    cache.set('partner', principal('p', undefined, 'partners'), 'k1', NOW);
    cache.set('partner-none', principal('q', undefined, 'partners'), undefined, NOW);
    cache.dropKeys(['k1'], 'demo');
    expect(cache.get('demo', NOW)).toBeUndefined();
    expect(cache.get('partner', NOW)?.realm).toBe('partners');
    expect(cache.get('partner-none', NOW)?.realm).toBe('partners');
    cache.dropRealm('partners');
    expect(cache.size).toBe(0);
  });

  it.each([
    [0, 60_000],
    [10, 0],
  ])('stores nothing when max entries is %i and max age %i ms', (entries, age) => {
    const cache = new VerifiedTokenCache(entries, age, 0);
    cache.set('t', principal('a'), 'k1', NOW);
    expect(cache.get('t', NOW)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
