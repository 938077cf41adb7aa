import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule, type AuthModuleOptions } from 'nest-keycloak-auth';
import { AppValidationPipe } from './common/app-validation.pipe.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { appConfig } from './config/app.config.js';
import { DatabaseModule } from './database/database.module.js';
import { keycloakConfig } from './config/keycloak.config.js';
import { AppGraphqlModule } from './graphql/graphql.module.js';
import { HealthModule } from './health/health.module.js';
import { ItemsModule } from './items/items.module.js';
import { LiveModule } from './live/live.module.js';
import { MeModule } from './me/me.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrgsModule } from './orgs/orgs.module.js';
import { PartnersModule } from './partners/partners.module.js';

/**
 * The API: AuthModule fed from the validated `keycloak` config (the environment, read by the
 * library), the feature modules, GraphQL over the same services (src/graphql/), and the app-wide validation pipe and request-parsing filter.
 */
@Module({
  imports: [
    // ignoreEnvFile: main.ts has read .env into the environment once, before the checks.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [keycloakConfig, appConfig],
    }),
    AuthModule.forRootAsync({
      inject: [keycloakConfig.KEY],
      useFactory: (options: AuthModuleOptions) => options,
    }),
    DatabaseModule,
    HealthModule,
    MetricsModule,
    MeModule,
    OrgsModule,
    PartnersModule,
    ItemsModule,
    LiveModule,
    AdminModule,
    AppGraphqlModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}
