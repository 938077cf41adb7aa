// The AuthModule's public surface: what another Nest app imports.
export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions } from './auth-options.interface.js';
export { AuthSettings } from './auth-settings.js';
export { SUPPORTED_ALGORITHMS } from './auth.constants.js';
export { Public, IS_PUBLIC_KEY } from './decorators/public.decorator.js';
export { Roles, ROLES_ALL_KEY } from './decorators/roles.decorator.js';
export { AnyRole, ROLES_ANY_KEY } from './decorators/any-role.decorator.js';
export {
  RequireActiveToken,
  REQUIRE_ACTIVE_TOKEN_KEY,
} from './decorators/require-active-token.decorator.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export { JwtAuthGuard } from './guards/jwt-auth.guard.js';
export { RolesGuard } from './guards/roles.guard.js';
export { IntrospectionInterceptor } from './interceptors/introspection.interceptor.js';
export { IntrospectionClient } from './introspection/introspection.client.js';
export { KeySource, type KeySourceStatus } from './jwks/key-source.js';
export { OidcDiscoveryService } from './oidc/oidc-discovery.service.js';
export type { OidcEndpoints } from './oidc/oidc-endpoints.js';
export { ServiceTokenClient } from './service-account/service-token.client.js';
export { TokenVerifier } from './token/token-verifier.service.js';
export { AuthError, AuthErrorCode, type AuthErrorDetails } from './errors/auth-error.js';
export type { AuthPrincipal, AuthenticatedRequest } from './principal.js';
export { documentAuth } from './openapi/document-auth.js';
export {
  OAUTH2_SCHEME,
  oauth2Scheme,
  swaggerLoginOptions,
  withOAuth2Endpoints,
} from './openapi/swagger-login.js';
