import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { openDatabase } from './open-database.js';
import { DatabaseErrorFilter } from './database-error.filter.js';
import { DATABASE_CONNECTION, DatabaseService, SEED_DEMO_ITEMS } from './database.service.js';

/**
 * The database handle for every feature module: PostgreSQL when `DATABASE_URL` is set, the
 * embedded PGlite database otherwise. Tests swap DATABASE_CONNECTION for a shared in-memory one.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE_CONNECTION,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => openDatabase(config.database),
    },
    {
      provide: SEED_DEMO_ITEMS,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => config.database.seedDemoItems === true,
    },
    DatabaseService,
    { provide: APP_FILTER, useClass: DatabaseErrorFilter },
  ],
  // The connection too: the metrics read its pool's gauges (src/metrics/database-metrics.ts).
  exports: [DatabaseService, DATABASE_CONNECTION],
})
export class DatabaseModule {}
