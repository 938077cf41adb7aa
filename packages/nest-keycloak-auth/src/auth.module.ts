import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import type { AuthModuleOptions } from './auth-options.js';
import { AuditTrail } from './audit/audit-trail.js';
import { CachingPolicyDecisionClient } from './authorization/caching-policy-decision.client.js';
import { KeycloakPolicyDecisionClient } from './authorization/keycloak-policy-decision.client.js';
import { PolicyDecisionClient } from './authorization/policy-decision.client.js';
import { AuthSettings } from './auth-settings.js';
import { AUTH_MODULE_OPTIONS, ConfigurableAuthModule } from './auth.module-definition.js';
import { CachingIntrospectionClient } from './introspection/caching-introspection.client.js';
import { IntrospectionClient } from './introspection/introspection.client.js';
import { KeycloakIntrospectionClient } from './introspection/keycloak-introspection.client.js';
import { JwksService } from './jwks/jwks.service.js';
import { KeySource } from './jwks/key-source.js';
import { KeycloakRealm, keycloakRealmOf } from './keycloak-realm.js';
import { OidcDiscoveryService } from './oidc/oidc-discovery.service.js';
import { RealmDirectory } from './realms/realm-directory.js';
import { ServiceTokenClient } from './service-account/service-token.client.js';
import { BackchannelLogoutController } from './backchannel-logout/backchannel-logout.controller.js';
import { BackchannelLogoutReceiver } from './backchannel-logout/backchannel-logout.receiver.js';
import { InMemoryLogoutJtiStore } from './backchannel-logout/in-memory-logout-jti-store.js';
import { LogoutJtiStore } from './backchannel-logout/logout-jti-store.js';
import { LogoutTokenValidator } from './backchannel-logout/logout-token.validator.js';
import { SharedLogoutJtiStore } from './backchannel-logout/shared-logout-jti-store.js';
import { DpopProofVerifier } from './dpop/dpop-proof.verifier.js';
import { RedisConnection } from './redis/redis-connection.js';
import { InMemoryRevocationList } from './revocation/in-memory-revocation-list.js';
import { RevocationList } from './revocation/revocation-list.js';
import { SharedRevocationList } from './revocation/shared-revocation-list.js';
import { TokenWatch } from './sockets/token-watch.js';
import { WsHandshake } from './sockets/ws-handshake.js';
import { AuthFailureLimiter } from './throttling/auth-failure-limiter.js';
import { TokenVerifier } from './token/token-verifier.service.js';

/**
 * Keycloak authentication for a Nest app. Unless `registerGlobally: false`, registers
 * JwtAuthGuard, RolesGuard and ScopesGuard app-wide (in that order) and AuthErrorFilter; the
 * other rule guards and the introspection interceptor come with the decorators that need them.
 * Its one route, `POST /auth/backchannel-logout`, answers only with `backchannelLogoutAudiences`.
 * @example
 * AuthModule.forRoot(authOptionsFromEnv(process.env))
 * AuthModule.forRootAsync({ inject: [ConfigService], useFactory: (c) => ({ ... }) })
 */
@Module({
  imports: [HttpModule],
  // Answers 404 until `backchannelLogoutAudiences` is set.
  controllers: [BackchannelLogoutController],
  providers: [
    {
      provide: AuthSettings,
      inject: [AUTH_MODULE_OPTIONS],
      useFactory: (options: AuthModuleOptions) => new AuthSettings(options),
    },
    { provide: KeycloakRealm, inject: [AuthSettings], useFactory: keycloakRealmOf },
    OidcDiscoveryService,
    { provide: KeySource, useClass: JwksService },
    RealmDirectory,
    TokenVerifier,
    RedisConnection,
    KeycloakIntrospectionClient,
    {
      provide: IntrospectionClient,
      inject: [AuthSettings, KeycloakIntrospectionClient, RedisConnection],
      useFactory: (
        s: AuthSettings,
        keycloak: KeycloakIntrospectionClient,
        redis: RedisConnection,
      ) =>
        new CachingIntrospectionClient(
          keycloak,
          s.introspectionCacheTtlMs,
          redis,
          s.introspectionTimeoutMs + s.redisTimeoutMs,
        ),
    },
    ServiceTokenClient,
    AuditTrail,
    AuthFailureLimiter,
    KeycloakPolicyDecisionClient,
    {
      provide: PolicyDecisionClient,
      inject: [AuthSettings, KeycloakPolicyDecisionClient, RedisConnection],
      useFactory: (
        s: AuthSettings,
        keycloak: KeycloakPolicyDecisionClient,
        redis: RedisConnection,
      ) =>
        new CachingPolicyDecisionClient(
          keycloak,
          s.authzDecisionTtlMs,
          Date.now,
          redis,
          s.authzTimeoutMs + s.redisTimeoutMs,
        ),
    },
    // In process, or shared by the replicas through Redis when `redisUrl` is set.
    {
      provide: RevocationList,
      inject: [AuthSettings, RedisConnection],
      useFactory: (settings: AuthSettings, redis: RedisConnection) =>
        redis.configured
          ? new SharedRevocationList(settings, redis)
          : new InMemoryRevocationList(settings),
    },
    {
      provide: LogoutJtiStore,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) =>
        redis.configured ? new SharedLogoutJtiStore(redis) : new InMemoryLogoutJtiStore(),
    },
    LogoutTokenValidator,
    BackchannelLogoutReceiver,
    DpopProofVerifier,
    TokenWatch,
    WsHandshake,
  ],
  // AuthSettings stays exported for the module's own classes an app registers itself
  // (registerGlobally: false); the package does not export it.
  exports: [
    AuthSettings,
    KeycloakRealm,
    OidcDiscoveryService,
    KeySource,
    RealmDirectory,
    TokenVerifier,
    IntrospectionClient,
    ServiceTokenClient,
    AuditTrail,
    AuthFailureLimiter,
    PolicyDecisionClient,
    RedisConnection,
    RevocationList,
    LogoutJtiStore,
    DpopProofVerifier,
    TokenWatch,
    WsHandshake,
  ],
})
export class AuthModule extends ConfigurableAuthModule {}
