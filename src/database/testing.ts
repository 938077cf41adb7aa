import { openDatabase } from './open-database.js';
import { DatabaseService } from './database.service.js';

/** A migrated in-memory PGlite database behind a DatabaseService, for unit specs. */
export async function inMemoryDatabase(seedDemo = false): Promise<DatabaseService> {
  const connection = await openDatabase({ kind: 'pglite', dataDir: 'memory://', timeoutMs: 5000 });
  const database = new DatabaseService(connection, seedDemo);
  await database.onApplicationBootstrap();
  return database;
}
