import type { AuthPrincipal } from '../principal.js';

const AUTHENTICATED = Symbol('auth:authenticated');

interface Authenticated {
  readonly token: string;
  readonly user: AuthPrincipal;
}

/** A request as the platforms hand it over: Fastify's wraps Node's message in `raw`. */
type Marked = { [AUTHENTICATED]?: Authenticated; raw?: Marked };

/**
 * Remembers that `token` was verified for this request (on Node's message, which Express's
 * request is and Fastify's wraps), so a later check of the same request reuses the result.
 */
export function rememberAuthenticated(request: object, token: string, user: AuthPrincipal): void {
  const target: Marked = (request as Marked).raw ?? request;
  target[AUTHENTICATED] = { token, user };
}

/**
 * The principal `token` was verified as earlier in this same request, else undefined. GraphQL
 * checks the token once before execution and then runs the guards once per field: a DPoP
 * proof may be used only once, and every field would otherwise pay for the check again.
 */
export function authenticatedEarlier(request: object, token: string): AuthPrincipal | undefined {
  const found = (request as Marked)[AUTHENTICATED] ?? (request as Marked).raw?.[AUTHENTICATED];
  return found?.token === token ? found.user : undefined;
}
