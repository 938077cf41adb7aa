import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER, type DatabaseConnection, type Db } from './database-connection.js';
import { lockDataDir } from './data-dir-lock.js';

/**
 * Smaller than PostgreSQL's defaults (shared_buffers 128 MB): the embedded database shares the
 * API's process and its memory, and holds a demo's worth of rows.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'work_mem=2MB', 'maintenance_work_mem=8MB'];

/** Embedded PGlite in this process: a folder (locked against a second API) or `memory://`. */
export async function openPglite(dataDir: string): Promise<DatabaseConnection> {
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
