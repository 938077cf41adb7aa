/**
 * Says whether a verified token is still active (not revoked, session not logged out).
 * The type is also the injection token: swap it with `overrideProvider(IntrospectionClient)`.
 * The module provides Keycloak's introspection endpoint behind a cache.
 */
export abstract class IntrospectionClient {
  /**
   * True when the token is active. Throws `AuthError` IntrospectionUnavailable when no answer
   * can be had. `expiresAt` (the token's `exp`, seconds) bounds how long a cache may keep it.
   */
  abstract isActive(token: string, expiresAt?: number): Promise<boolean>;
}
