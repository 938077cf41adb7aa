import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/index.js';
import { appConfig } from './config/app.config.js';
import { keycloakConfig, type KeycloakConfig } from './config/keycloak.config.js';
import { HealthModule } from './health/health.module.js';
import { ItemsModule } from './items/items.module.js';
import { MeModule } from './me/me.module.js';

/** The API: AuthModule fed from the validated `keycloak` config, plus the feature modules. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [keycloakConfig, appConfig] }),
    AuthModule.forRootAsync({
      inject: [keycloakConfig.KEY],
      useFactory: (kc: KeycloakConfig) => ({
        serverUrl: kc.url,
        realm: kc.realm,
        clientId: kc.clientId,
        clientSecret: kc.clientSecret,
        audiences: kc.audiences,
        algorithms: kc.algorithms,
        clockToleranceSeconds: kc.clockToleranceSeconds,
        jwksCooldownSeconds: kc.jwksCooldownSeconds,
        httpTimeoutMs: kc.httpTimeoutMs,
        introspectionTimeoutMs: kc.introspectionTimeoutMs,
        introspectionCacheTtlSeconds: kc.introspectionCacheTtlSeconds,
        tokenCacheMaxEntries: kc.tokenCacheMaxEntries,
        tokenCacheMaxAgeSeconds: kc.tokenCacheMaxAgeSeconds,
        discovery: kc.discovery,
      }),
    }),
    HealthModule,
    MeModule,
    ItemsModule,
    AdminModule,
  ],
})
export class AppModule {}
