import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { DatabaseSettings } from '../config/app.config.js';

/** The Drizzle handle both drivers share: the repositories see no difference. */
export type Db = PgDatabase<PgQueryResultHKT>;

/** An open database: the handle, how to migrate it, and how to close it. */
export interface DatabaseConnection {
  readonly db: Db;
  /** Where the data lives, for logs: never a password. */
  readonly description: string;
  /** Applies the SQL migrations in drizzle/, under an advisory lock, each run in a transaction. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PostgreSQL's pool, for its gauges (src/metrics); PGlite has none: one in-process connection. */
  readonly pool?: PoolCounts;
}

/** What the pool reports about its clients, read at scrape time. */
export type PoolCounts = Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount' | 'options'>;

/** drizzle/, next to src/ and dist/: the SQL files `drizzle-kit generate` writes. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens the database the settings name; PostgreSQL connects lazily, PGlite opens now. Each
 * driver is loaded here, when chosen: a deployment never loads the other one (node-postgres and
 * its Drizzle driver hold ~2 MB of heap, PGlite's ~1 MB).
 */
export async function openDatabase(settings: DatabaseSettings): Promise<DatabaseConnection> {
  if (settings.kind === 'postgres') {
    const { openPostgres } = await import('./postgres-connection.js');
    return openPostgres(settings);
  }
  const { openPglite } = await import('./pglite-connection.js');
  return openPglite(settings.dataDir);
}

/** `host:port/database` of a PostgreSQL URL: no user, no password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
