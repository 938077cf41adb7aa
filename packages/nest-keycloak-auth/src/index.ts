// The package's public surface, on purpose: what another Nest service imports.
export { AuthModule } from './auth.module.js';
export type { AuthModuleExtras } from './auth.module-definition.js';
export { AUTH_ENVIRONMENT, type AuthModuleOptions, type OptionSpec } from './auth-options.js';
export type { OptionKind } from './auth-option-kinds.js';
export { authOptionsFromEnv } from './options-from-env.js';
export { KeycloakRealm } from './keycloak-realm.js';
export { Public } from './decorators/public.decorator.js';
export { Roles } from './decorators/roles.decorator.js';
export { AnyRole } from './decorators/any-role.decorator.js';
export { Scopes } from './decorators/scopes.decorator.js';
export { AnyScope } from './decorators/any-scope.decorator.js';
export { RequireActiveToken } from './decorators/require-active-token.decorator.js';
export { RequireDpop } from './decorators/require-dpop.decorator.js';
export { DpopProofVerifier, type DpopRequest } from './dpop/dpop-proof.verifier.js';
export { OwnerOrRole } from './decorators/owner-or-role.decorator.js';
export type { OrganizationSource, OwnerRule } from './metadata/route-rules.js';
export type {
  OwnedResourceRequest,
  ResourceOwnerLookup,
} from './ownership/resource-owner-lookup.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export { Permission } from './decorators/permission.decorator.js';
export { PermissionGuard } from './guards/permission.guard.js';
export {
  PolicyDecisionClient,
  type PolicyDecision,
} from './authorization/policy-decision.client.js';
export { RequireOrganization } from './decorators/require-organization.decorator.js';
export { Realms } from './decorators/realms.decorator.js';
export { RealmsGuard } from './guards/realms.guard.js';
export { CurrentOrganization } from './decorators/current-organization.decorator.js';
export { OrganizationGuard, type OrganizationRequest } from './guards/organization.guard.js';
export { organizationsOf, type Organization } from './organizations/organization.js';
export { JwtAuthGuard, type GuardedRequest } from './guards/jwt-auth.guard.js';
export { RuleGuard, type RuleVerdict } from './guards/rule.guard.js';
export { RolesGuard, type RoleRule } from './guards/roles.guard.js';
export { ScopesGuard, type ScopeRule } from './guards/scopes.guard.js';
export { ResourceOwnerGuard } from './guards/resource-owner.guard.js';
export { IntrospectionInterceptor } from './interceptors/introspection.interceptor.js';
export { AuthErrorFilter, type RefusedRequest } from './filters/auth-error.filter.js';
export { IntrospectionClient } from './introspection/introspection.client.js';
export { KeySource, type KeySourceStatus } from './jwks/key-source.js';
export { OidcDiscoveryService } from './oidc/oidc-discovery.service.js';
export type { OidcEndpoints } from './oidc/oidc-endpoints.js';
export { ServiceTokenClient } from './service-account/service-token.client.js';
export { TokenVerifier } from './token/token-verifier.service.js';
export type { BearerRequest } from './token/bearer-request.js';
export {
  AuthError,
  AuthErrorCode,
  type AuthErrorDetails,
  type DpopCheck,
} from './errors/auth-error.js';
export type { Credentials, TokenScheme } from './token/bearer-token.js';
export { AuthConfigError } from './errors/auth-config.error.js';
export type { AuthPrincipal, AuthenticatedRequest } from './principal.js';
export {
  AUTH_CHANNELS,
  timeKeycloakRequest,
  type AuthDecisionMessage,
  type AuthDecisionStage,
  type BackchannelLogoutMessage,
  type CacheLookupMessage,
  type JwksUpdateMessage,
  type KeycloakEndpoint,
  type KeycloakRequestMessage,
  type RedisFallbackMessage,
  type SharedUse,
} from './telemetry/auth-channels.js';
export { RedisConnection } from './redis/redis-connection.js';
export { AuditTrail, type CheckedRules } from './audit/audit-trail.js';
export type { AuditEntry, AuditedRequest, LogoutAuditEntry } from './audit/audit-entry.js';
export { AuthFailureLimiter } from './throttling/auth-failure-limiter.js';
export { RevocationList, type Logout, type RevocableToken } from './revocation/revocation-list.js';
export { InMemoryRevocationList } from './revocation/in-memory-revocation-list.js';
export {
  TOKEN_WATCH_INTERVAL_MS,
  TokenWatch,
  type TokenEnd,
  type WatchedToken,
} from './sockets/token-watch.js';
export {
  WsHandshake,
  type HandshakeOutcome,
  type HandshakeRefusal,
} from './sockets/ws-handshake.js';
export { BEARER_PROTOCOL } from './sockets/handshake-token.js';
export {
  socketErrorOf,
  type SocketErrorCode,
  type SocketErrorEvent,
} from './sockets/socket-error.js';
export { LogoutJtiStore } from './backchannel-logout/logout-jti-store.js';
export { InMemoryLogoutJtiStore } from './backchannel-logout/in-memory-logout-jti-store.js';
export { LogoutRefusalCode } from './backchannel-logout/logout-refusal.js';
export { BACKCHANNEL_LOGOUT_PATH } from './backchannel-logout/backchannel-logout.controller.js';
