import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { DatabaseSettings } from '../config/app.config.js';
import { lockDataDir } from './data-dir-lock.js';

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
 * Replicas that start together take turns: the first applies the migrations, the others wait
 * and then find nothing left to do. Any constant works; this one spells "items" in ASCII.
 */
const MIGRATION_LOCK = 0x6974656d73;

/**
 * Smaller than PostgreSQL's defaults (shared_buffers 128 MB): the embedded database shares the
 * API's process and its memory, and holds a demo's worth of rows.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'work_mem=2MB', 'maintenance_work_mem=8MB'];

/** Opens the database the settings name; PostgreSQL connects lazily, PGlite opens now. */
export async function openDatabase(settings: DatabaseSettings): Promise<DatabaseConnection> {
  return settings.kind === 'postgres' ? openPostgres(settings) : openPglite(settings.dataDir);
}

function openPostgres(settings: Extract<DatabaseSettings, { kind: 'postgres' }>) {
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
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

async function openPglite(dataDir: string): Promise<DatabaseConnection> {
  const inMemory = dataDir === 'memory://';
  const path = inMemory ? dataDir : resolve(dataDir);
  let unlock = () => Promise.resolve();
  if (!inMemory) {
    await mkdir(path, { recursive: true });
    unlock = await lockDataDir(path);
  }
  let client: PGlite;
  try {
    client = inMemory
      ? await createInMemory()
      : await PGlite.create({ dataDir: path, postgresqlconf: PGLITE_SETTINGS });
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = drizzlePglite({ client }) as unknown as Db;
  // One connection, on which an advisory lock is re-entrant: runs queue here instead.
  let migrations = Promise.resolve();
  const migrateOnce = () =>
    migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    description: inMemory ? 'PGlite in memory' : `PGlite at ${dataDir}`,
    migrate() {
      const run = migrations.then(migrateOnce);
      migrations = run.catch(() => undefined);
      return run;
    },
    async close() {
      await client.close();
      await unlock();
    },
  };
}

/** The empty cluster initdb leaves, as a tarball: see createInMemory(). */
let emptyCluster: Promise<Blob> | undefined;

/**
 * An empty in-memory database. initdb, which PGlite runs in WebAssembly, takes about 3 s;
 * loading a copy of its result takes about 1 s. A process that opens several memory://
 * databases (a test run opens one per app) pays initdb once: the first database is dumped,
 * while still empty, as the template of the next ones.
 */
async function createInMemory(): Promise<PGlite> {
  if (emptyCluster) {
    const loadDataDir = await emptyCluster.catch(() => undefined);
    if (loadDataDir) return PGlite.create({ loadDataDir, postgresqlconf: PGLITE_SETTINGS });
  }
  const client = await PGlite.create({ postgresqlconf: PGLITE_SETTINGS });
  const dump = client.dumpDataDir('none');
  emptyCluster = dump;
  // Before the caller's first statement: the template must be empty. A failed dump only
  // means the next database runs initdb too.
  await dump.catch(() => {
    if (emptyCluster === dump) emptyCluster = undefined;
  });
  return client;
}
