import { AuthError, AuthErrorCode } from '../errors/auth-error.js';

/**
 * Says whether a verified token is still active (not revoked, session not logged out).
 * The type is also the injection token: swap it with `overrideProvider(IntrospectionClient)`.
 * The module provides Keycloak's introspection endpoint behind a cache.
 */
export abstract class IntrospectionClient {
  /**
   * True when the token is active. Throws `AuthError` IntrospectionUnavailable when no answer
   * can be had. `expiresAt` (the token's `exp`, seconds) bounds how long a cache may keep it;
   * `realm` (the principal's) says whose endpoint to ask (default: the home realm's).
   */
  abstract isActive(token: string, expiresAt?: number, realm?: string): Promise<boolean>;

  /**
   * The answer's claims (`sub`, `aud`, roles, …) when the token is active, else undefined: what
   * a lightweight access token leaves out. Throws as {@link isActive} does. A client that
   * cannot give claims throws IntrospectionUnavailable (the default), so such tokens are refused.
   */
  introspect(
    _token: string,
    _expiresAt?: number,
    _realm?: string,
  ): Promise<IntrospectedClaims | undefined> {
    return Promise.reject(new AuthError(AuthErrorCode.IntrospectionUnavailable));
  }
}

/** The claims of an active introspection answer. */
export type IntrospectedClaims = Readonly<Record<string, unknown>>;
