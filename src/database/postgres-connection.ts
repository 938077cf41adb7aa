import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { DatabaseSettings } from '../config/app.config.js';
import { MIGRATIONS_FOLDER, type DatabaseConnection, type Db } from './database-connection.js';

/**
 * Replicas that start together take turns: the first applies the migrations, the others wait
 * and then find nothing left to do. Any constant works; this one spells "items" in ASCII.
 */
const MIGRATION_LOCK = 0x6974656d73;

/** PostgreSQL through node-postgres' pool (DATABASE_URL). */
export function openPostgres(
  settings: Extract<DatabaseSettings, { kind: 'postgres' }>,
): DatabaseConnection {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.timeoutMs,
    // Client-side limit (a server that stops answering) and server-side (a slow statement).
    query_timeout: settings.timeoutMs,
    statement_timeout: settings.timeoutMs,
    application_name: 'nest-keycloak-api',
  });
  // An idle connection dropped by the server emits 'error' on the pool; unheard, it would end
  // the process. The next query reconnects (or answers 503).
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool }) as unknown as Db;
  return {
    db,
    pool,
    description: describePostgresUrl(settings.url),
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        try {
          await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** `host:port/database` of a PostgreSQL URL: no user, no password. */
function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
