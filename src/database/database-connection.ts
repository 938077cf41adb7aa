import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';

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
