import { existsSync } from 'node:fs';
import { readAppConfig } from '../config/app.config.js';
import { openDatabase } from './open-database.js';
import { seedDemoItems } from './seed.js';

/**
 * `npm run db:migrate` applies the migrations; `npm run db:seed` applies them and adds the demo
 * items to a database that holds none (idempotent). Same settings as the app: the environment,
 * then .env.
 */
async function main(command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'seed') {
    throw new Error('usage: node dist/database/cli.js migrate|seed');
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const connection = await openDatabase(readAppConfig(process.env).database);
  try {
    await connection.migrate();
    process.stdout.write(`Migrations applied (${connection.description})\n`);
    if (command === 'seed') {
      const added = await seedDemoItems(connection.db);
      const outcome = added > 0 ? `${added} added` : 'none added, the database holds items already';
      process.stdout.write(`Demo items: ${outcome} (${connection.description})\n`);
    }
  } finally {
    await connection.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
