import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The items table. The SQL migrations in drizzle/ are generated from this file
 * (`npx drizzle-kit generate`); the app applies them at start-up.
 */
export const items = pgTable(
  'items',
  {
    // bigint: every id the API accepts (up to 2^53 - 1) is a valid key, so none can overflow.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** The creator's token `sub`. */
    owner: text('owner').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Bumped by every change; the ETag and If-Match compare it. */
    version: integer('version').notNull().default(1),
  },
  (table) => [
    // The API validates names too; the database keeps rows sane whoever writes them.
    check('items_name_length', sql`char_length(${table.name}) between 1 and 100`),
    check('items_version_positive', sql`${table.version} >= 1`),
    index('items_owner_id_idx').on(table.owner, table.id),
  ],
);

/** A row of the items table. */
export type ItemRow = typeof items.$inferSelect;
