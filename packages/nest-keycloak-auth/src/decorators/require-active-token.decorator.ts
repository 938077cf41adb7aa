import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { IntrospectionInterceptor } from '../interceptors/introspection.interceptor.js';
import { REQUIRE_ACTIVE_TOKEN_KEY } from '../metadata/metadata-keys.js';

/**
 * Asks Keycloak whether the token is still active (not revoked, session not logged out)
 * before the handler runs. Costs a round trip per token per introspection cache TTL: use it on
 * sensitive routes. It brings IntrospectionInterceptor to the route (or controller) it marks,
 * so the other routes do not pay for an interceptor, and it holds without `registerGlobally`.
 * @example
 * @RequireActiveToken()
 * @Delete(':id')
 * remove() {}
 */
export const RequireActiveToken = () =>
  applyDecorators(
    SetMetadata(REQUIRE_ACTIVE_TOKEN_KEY, true),
    UseInterceptors(IntrospectionInterceptor),
  );
