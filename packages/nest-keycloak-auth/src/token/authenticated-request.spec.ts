import { testPrincipal } from '../testing/test-principal.js';
import { authenticatedEarlier, rememberAuthenticated } from './authenticated-request.js';

describe('rememberAuthenticated / authenticatedEarlier', () => {
  const user = testPrincipal();

  it('finds the principal for the same token, on the request or any view of it', () => {
    const request = {};
    rememberAuthenticated(request, 'token', user);
    expect(authenticatedEarlier(request, 'token')).toBe(user);
    expect(authenticatedEarlier(Object.create(request) as object, 'token')).toBe(user);
  });

  it("keeps it on Node's message, where Fastify's request wraps it in raw", () => {
    const raw = {};
    rememberAuthenticated({ raw }, 'token', user);
    expect(authenticatedEarlier({ raw }, 'token')).toBe(user);
    expect(authenticatedEarlier(raw, 'token')).toBe(user);
  });

  it('finds nothing for another token or another request', () => {
    const request = {};
    rememberAuthenticated(request, 'token', user);
    expect(authenticatedEarlier(request, 'other')).toBeUndefined();
    expect(authenticatedEarlier({}, 'token')).toBeUndefined();
  });
});
