import { SetMetadata } from '@nestjs/common';

/** Metadata key set by {@link RequireActiveToken}. */
export const REQUIRE_ACTIVE_TOKEN_KEY = 'auth:introspect';

/**
 * Asks Keycloak, on every call, whether the token is still active (not revoked, session not
 * logged out). Costs a round trip: use it on sensitive routes.
 * @example
 * @RequireActiveToken()
 * @Delete(':id')
 * remove() {}
 */
export const RequireActiveToken = () => SetMetadata(REQUIRE_ACTIVE_TOKEN_KEY, true);
