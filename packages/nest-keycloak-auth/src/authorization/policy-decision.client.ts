/** What Keycloak decided for one permission. */
export type PolicyDecision = 'granted' | 'denied';

/**
 * Asks Keycloak Authorization Services whether the bearer of a token holds a permission
 * (`resource#scope`). The type is also the injection token: swap it with
 * `overrideProvider(PolicyDecisionClient)`. The module provides Keycloak's token endpoint
 * (UMA grant, `response_mode=decision`) behind a cache.
 */
export abstract class PolicyDecisionClient {
  /**
   * Keycloak's decision. Throws `AuthError`: AuthorizationUnavailable when no answer can be
   * had, UnknownPermission when Keycloak knows no such resource or scope, Inactive when it no
   * longer accepts the token. `expiresAt` (the token's `exp`, seconds) bounds any caching;
   * `realm` (the principal's) says whose Authorization Services to ask (default: home).
   */
  abstract decide(
    token: string,
    permission: string,
    expiresAt?: number,
    realm?: string,
  ): Promise<PolicyDecision>;
}
