import { jest } from '@jest/globals';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { CachingPolicyDecisionClient } from './caching-policy-decision.client.js';
import { PolicyDecisionClient, type PolicyDecision } from './policy-decision.client.js';

/** Keycloak as a function the test controls, counting its calls. */
class ScriptedKeycloak extends PolicyDecisionClient {
  readonly decideMock = jest.fn<(token: string, permission: string) => Promise<PolicyDecision>>();
  decide(token: string, permission: string): Promise<PolicyDecision> {
    return this.decideMock(token, permission);
  }
}

const EXP = 2_000_000; // seconds
describe('CachingPolicyDecisionClient', () => {
  let keycloak: ScriptedKeycloak;
  let now: number;
  let cache: CachingPolicyDecisionClient;

  beforeEach(() => {
    keycloak = new ScriptedKeycloak();
    now = 1_000_000_000;
    cache = new CachingPolicyDecisionClient(keycloak, 10_000, () => now);
  });

  it('reuses a decision per token and permission for the TTL, then asks again', async () => {
    keycloak.decideMock.mockResolvedValueOnce('granted').mockResolvedValueOnce('denied');
    expect(await cache.decide('t1', 'items#delete', EXP)).toBe('granted');
    now += 9_999;
    expect(await cache.decide('t1', 'items#delete', EXP)).toBe('granted');
    expect(keycloak.decideMock).toHaveBeenCalledTimes(1);
    // The policy changed in Keycloak: seen once the TTL is over.
    now += 1;
    expect(await cache.decide('t1', 'items#delete', EXP)).toBe('denied');
    expect(keycloak.decideMock).toHaveBeenCalledTimes(2);
  });

  it('keeps separate answers per permission and per token, denials included', async () => {
    keycloak.decideMock.mockImplementation((token, permission) =>
      Promise.resolve(token === 't1' && permission === 'items#view' ? 'granted' : 'denied'),
    );
    expect(await cache.decide('t1', 'items#view', EXP)).toBe('granted');
    expect(await cache.decide('t1', 'items#delete', EXP)).toBe('denied');
    expect(await cache.decide('t2', 'items#view', EXP)).toBe('denied');
    expect(await cache.decide('t2', 'items#view', EXP)).toBe('denied');
    expect(keycloak.decideMock).toHaveBeenCalledTimes(3);
  });

  it('never keeps a decision past the token expiry', async () => {
    keycloak.decideMock.mockResolvedValue('granted');
    const exp = now / 1000 + 2; // two seconds left
    await cache.decide('t1', 'items#delete', exp);
    now += 2_000;
    await cache.decide('t1', 'items#delete', exp);
    expect(keycloak.decideMock).toHaveBeenCalledTimes(2);
  });

  it('shares one request among concurrent identical checks', async () => {
    let answer!: (decision: PolicyDecision) => void;
    keycloak.decideMock.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const checks = [1, 2, 3].map(() => cache.decide('t1', 'items#delete', EXP));
    answer('granted');
    expect(await Promise.all(checks)).toEqual(['granted', 'granted', 'granted']);
    expect(keycloak.decideMock).toHaveBeenCalledTimes(1);
  });

  it('remembers no failure: the next check asks again', async () => {
    keycloak.decideMock
      .mockRejectedValueOnce(new AuthError(AuthErrorCode.AuthorizationUnavailable))
      .mockResolvedValueOnce('granted');
    await expect(cache.decide('t1', 'items#delete', EXP)).rejects.toMatchObject({
      code: AuthErrorCode.AuthorizationUnavailable,
    });
    expect(await cache.decide('t1', 'items#delete', EXP)).toBe('granted');
  });

  it('keeps nothing with a TTL of 0', async () => {
    const uncached = new CachingPolicyDecisionClient(keycloak, 0, () => now);
    keycloak.decideMock.mockResolvedValue('granted');
    await uncached.decide('t1', 'items#delete', EXP);
    await uncached.decide('t1', 'items#delete', EXP);
    expect(keycloak.decideMock).toHaveBeenCalledTimes(2);
  });
});
