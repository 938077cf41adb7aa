import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { AuthModuleOptions } from './auth-options.interface.js';
import { AuthSettings } from './auth-settings.js';
import { AUTH_MODULE_OPTIONS, ConfigurableAuthModule } from './auth.module-definition.js';
import { AuthErrorFilter } from './errors/auth-error.filter.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { IntrospectionInterceptor } from './interceptors/introspection.interceptor.js';
import { CachingIntrospectionClient } from './introspection/caching-introspection.client.js';
import { IntrospectionClient } from './introspection/introspection.client.js';
import { JwksService } from './jwks/jwks.service.js';
import { KeySource } from './jwks/key-source.js';
import { OidcDiscoveryService } from './oidc/oidc-discovery.service.js';
import { ServiceTokenClient } from './service-account/service-token.client.js';
import { TokenVerifier } from './token/token-verifier.service.js';

/**
 * Keycloak authentication for a Nest app: registers JwtAuthGuard and RolesGuard app-wide
 * (guards run in that order), the introspection interceptor and the AuthError filter.
 * @example
 * AuthModule.forRootAsync({
 *   inject: [keycloakConfig.KEY],
 *   useFactory: (kc: KeycloakConfig) => ({ serverUrl: kc.url, realm: kc.realm, clientId: kc.clientId }),
 * })
 */
@Module({
  imports: [HttpModule],
  providers: [
    {
      provide: AuthSettings,
      inject: [AUTH_MODULE_OPTIONS],
      useFactory: (options: AuthModuleOptions) => new AuthSettings(options),
    },
    OidcDiscoveryService,
    { provide: KeySource, useClass: JwksService },
    TokenVerifier,
    { provide: IntrospectionClient, useClass: CachingIntrospectionClient },
    ServiceTokenClient,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_INTERCEPTOR, useClass: IntrospectionInterceptor },
    { provide: APP_FILTER, useClass: AuthErrorFilter },
  ],
  exports: [
    AuthSettings,
    OidcDiscoveryService,
    KeySource,
    TokenVerifier,
    IntrospectionClient,
    ServiceTokenClient,
  ],
})
export class AuthModule extends ConfigurableAuthModule {}
