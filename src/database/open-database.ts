import type { DatabaseSettings } from '../config/app.config.js';
import type { DatabaseConnection } from './database-connection.js';

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
