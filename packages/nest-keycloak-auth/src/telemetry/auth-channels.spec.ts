import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AUTH_CHANNELS,
  publishAccepted,
  publishCacheLookup,
  publishJwksUpdate,
  timeKeycloakRequest,
  type KeycloakRequestMessage,
} from './auth-channels.js';

/** Collects what one channel publishes while the test runs. */
function listen(name: string): { messages: unknown[]; stop: () => void } {
  const messages: unknown[] = [];
  const onMessage = (message: unknown) => messages.push(message);
  subscribe(name, onMessage);
  return { messages, stop: () => unsubscribe(name, onMessage) };
}

describe('auth channels', () => {
  it('times a Keycloak call by how it settled, passing its result and error through', async () => {
    const channel = listen(AUTH_CHANNELS.keycloakRequest);
    const answered = Object.assign(new Error('401'), { response: { status: 401 } });
    const refused = new Error('ECONNREFUSED');
    await expect(timeKeycloakRequest('jwks', () => Promise.resolve('keys'))).resolves.toBe('keys');
    await expect(timeKeycloakRequest('token', () => Promise.reject(answered))).rejects.toBe(
      answered,
    );
    await expect(timeKeycloakRequest('admin', () => Promise.reject(refused))).rejects.toBe(refused);
    channel.stop();
    const messages = channel.messages as KeycloakRequestMessage[];
    expect(messages.map(({ endpoint, outcome }) => [endpoint, outcome])).toEqual([
      ['jwks', 'success'],
      ['token', 'refused'],
      ['admin', 'error'],
    ]);
    for (const { durationSeconds } of messages) {
      expect(durationSeconds).toBeGreaterThanOrEqual(0);
      expect(durationSeconds).toBeLessThan(5);
    }
  });

  it('publishes nothing, and still calls through, while nobody listens', async () => {
    const channel = listen(AUTH_CHANNELS.keycloakRequest);
    channel.stop();
    await expect(timeKeycloakRequest('discovery', () => Promise.resolve(1))).resolves.toBe(1);
    expect(channel.messages).toEqual([]);
  });

  it('hands the hot path frozen constants: one object per kind, no allocation', () => {
    const cache = listen(AUTH_CHANNELS.cacheLookup);
    const decision = listen(AUTH_CHANNELS.decision);
    publishCacheLookup('verified_token', true);
    publishCacheLookup('verified_token', true);
    publishCacheLookup('introspection', false);
    publishAccepted('authentication');
    publishAccepted('authentication');
    cache.stop();
    decision.stop();
    expect(cache.messages[0]).toBe(cache.messages[1]);
    expect(Object.isFrozen(cache.messages[0])).toBe(true);
    expect(cache.messages).toEqual([
      { cache: 'verified_token', result: 'hit' },
      { cache: 'verified_token', result: 'hit' },
      { cache: 'introspection', result: 'miss' },
    ]);
    expect(decision.messages[0]).toBe(decision.messages[1]);
  });

  it('publishes the key count and the time of a JWKS update in seconds', () => {
    const channel = listen(AUTH_CHANNELS.jwksUpdate);
    publishJwksUpdate(2, 1_700_000_000_500);
    channel.stop();
    expect(channel.messages).toEqual([{ keys: 2, fetchedAtSeconds: 1_700_000_000.5 }]);
  });
});
