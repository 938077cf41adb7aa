import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { sql } from 'drizzle-orm';
import type { DatabaseConnection, Db } from './database-connection.js';
import { classifyDatabaseError, DatabaseUnavailableError } from './database-errors.js';
import { seedDemoItems } from './seed.js';

/** Injection token of the open {@link DatabaseConnection}. */
export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');

/** Injection token: `true` adds the demo items to an empty database once migrated (SEED_DEMO_ITEMS). */
export const SEED_DEMO_ITEMS = Symbol('SEED_DEMO_ITEMS');

/** Seconds between migration attempts while the database cannot be reached at start-up. */
const MIGRATION_RETRY_MS = 5_000;

/**
 * The app's database: migrates it at start-up, runs the repositories' queries with failures
 * sorted into 503 and 409 (database-errors.ts), and answers readiness. A database that cannot
 * be reached at start-up does not stop the app: its routes answer 503 while the migration is
 * retried in the background, as Keycloak discovery is.
 */
@Injectable()
export class DatabaseService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private migrated = false;
  private retry?: NodeJS.Timeout;
  private closed = false;
  /** Why the last migration attempt failed, for /health/ready; undefined once migrated. */
  failure?: string = 'not migrated yet';

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
    @Optional() @Inject(SEED_DEMO_ITEMS) private readonly seedDemo: boolean = false,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.migrate();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connection.close();
  }

  /** Runs `work` on the database; a failure becomes DatabaseUnavailableError or DatabaseConstraintError. */
  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (!this.migrated) throw new DatabaseUnavailableError(this.failure ?? 'not migrated');
    try {
      return await work(this.connection.db);
    } catch (error) {
      throw classifyDatabaseError(error);
    }
  }

  /** Whether a trivial query answers now: `undefined` when it does, else why not. */
  async check(): Promise<string | undefined> {
    if (!this.migrated) return this.failure;
    try {
      await this.run((db) => db.execute(sql`select 1`));
      return undefined;
    } catch (error) {
      return error instanceof DatabaseUnavailableError ? 'unreachable' : 'query failed';
    }
  }

  private async migrate(): Promise<void> {
    try {
      await this.connection.migrate();
      this.logger.log(`Migrations applied (${this.connection.description})`);
      // In this process, before any route can write: `npm run stack` needs no seeding process.
      if (this.seedDemo) {
        const added = await seedDemoItems(this.connection.db);
        if (added > 0) this.logger.log(`Demo items added: ${added} (the database was empty)`);
      }
      this.migrated = true;
      this.failure = undefined;
    } catch (error) {
      const sorted = classifyDatabaseError(error);
      if (!(sorted instanceof DatabaseUnavailableError)) throw error;
      // Logged once per cause, not once per attempt: a long outage is one line.
      const reason = `cannot reach ${this.connection.description}`;
      if (this.failure !== reason) {
        this.logger.error(`Database unavailable: ${reason}; retrying every 5 s`);
      }
      this.failure = reason;
      if (!this.closed) {
        this.retry = setTimeout(() => {
          this.migrate().catch((failure: unknown) => {
            this.failure = 'migration failed';
            this.logger.error(`Migration failed: ${String(failure)}`);
          });
        }, MIGRATION_RETRY_MS).unref();
      }
    }
  }
}
