import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { AuthMetrics } from './auth-metrics.js';
import { BackchannelLogoutMetrics } from './backchannel-logout-metrics.js';
import { DatabaseMetrics } from './database-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { createMetricsRegistry } from './metrics.registry.js';
import { MetricsServer } from './metrics.server.js';
import { RedisMetrics } from './redis-metrics.js';

/**
 * Prometheus metrics on METRICS_PORT (default 9464; 0 turns them off): the process, the API's
 * requests (timed by the HTTP edge, src/http/), the auth library's
 * decisions, Keycloak calls, caches and keys, the PostgreSQL pool and, with REDIS_URL, Redis. One registry per app,
 * provided under prom-client's `Registry` class.
 */
@Module({
  providers: [
    {
      provide: Registry,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => createMetricsRegistry(config),
    },
    HttpMetrics,
    AuthMetrics,
    BackchannelLogoutMetrics,
    DatabaseMetrics,
    RedisMetrics,
    MetricsServer,
  ],
  exports: [HttpMetrics],
})
export class MetricsModule {}
