import { Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';
import type { DatabaseConnection, PoolCounts } from '../database/database-connection.js';
import { DatabaseMetrics } from './database-metrics.js';

const on = { metricsPort: 9464 } as AppConfig;

describe('DatabaseMetrics', () => {
  it("reads the PostgreSQL pool's counts at each scrape", async () => {
    const pool = { totalCount: 4, idleCount: 1, waitingCount: 0, options: { max: 10 } };
    const registry = new Registry();
    new DatabaseMetrics(registry, { pool: pool as PoolCounts } as DatabaseConnection, on);
    expect(await registry.metrics()).toContain(
      'db_pool_connections{state="active"} 3\ndb_pool_connections{state="idle"} 1\n',
    );
    Object.assign(pool, { totalCount: 10, idleCount: 0, waitingCount: 7 });
    const text = await registry.metrics();
    expect(text).toContain('db_pool_connections{state="active"} 10\n');
    expect(text).toContain('db_pool_waiting_clients 7\n');
    expect(text).toContain('db_pool_max_connections 10\n');
  });

  it('adds nothing for PGlite (no pool) or with METRICS_PORT=0', async () => {
    const pool = { totalCount: 1, idleCount: 1, waitingCount: 0, options: { max: 10 } };
    const pglite = new Registry();
    new DatabaseMetrics(pglite, {} as DatabaseConnection, on);
    const off = new Registry();
    new DatabaseMetrics(
      off,
      { pool: pool as PoolCounts } as DatabaseConnection,
      {
        metricsPort: 0,
      } as AppConfig,
    );
    expect(await pglite.metrics()).toBe('\n');
    expect(await off.metrics()).toBe('\n');
  });
});
