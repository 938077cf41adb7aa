import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import type { DatabaseConnection, PoolCounts } from '../database/database-connection.js';
import { DATABASE_CONNECTION } from '../database/database.service.js';
import { metricsEnabled } from './metrics.registry.js';

/**
 * The PostgreSQL pool's gauges (`DATABASE_URL`), read from the pool at scrape time. The
 * embedded PGlite database has no pool (one connection, inside the process): no gauges then.
 */
@Injectable()
export class DatabaseMetrics {
  constructor(
    @Inject(Registry) registry: Registry,
    @Inject(DATABASE_CONNECTION) connection: DatabaseConnection,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    if (metricsEnabled(config) && connection.pool) registerPoolGauges(registry, connection.pool);
  }
}

/** `db_pool_connections{state}`, `db_pool_waiting_clients`, `db_pool_max_connections`. */
export function registerPoolGauges(registry: Registry, pool: PoolCounts): void {
  const registers = [registry];
  new Gauge({
    name: 'db_pool_connections',
    help: 'Open connections of the PostgreSQL pool: active (running a query) or idle.',
    labelNames: ['state'],
    registers,
    collect() {
      this.set({ state: 'active' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'db_pool_waiting_clients',
    help: 'Queries waiting for a pool connection (all DATABASE_POOL_MAX connections busy).',
    registers,
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'Most connections the pool opens (DATABASE_POOL_MAX).',
    registers,
    collect() {
      this.set(pool.options.max);
    },
  });
}
