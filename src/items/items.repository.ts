import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { DatabaseService } from '../database/database.service.js';
import { items, type ItemRow } from '../database/schema.js';
import type { Item } from './item.entity.js';

/** Which items a page holds: ids after `after`, at most `limit`, optionally one owner's. */
export interface ItemListQuery {
  limit: number;
  after?: number;
  owner?: string;
}

/** A page of items and whether more follow it. */
export interface ItemPage {
  items: Item[];
  hasMore: boolean;
}

/** Storage of items in PostgreSQL or PGlite, through Drizzle. */
@Injectable()
export class ItemsRepository {
  constructor(@Inject(DatabaseService) private readonly database: DatabaseService) {}

  /** Keyset paging by id: stable while rows are added, and an index range scan at any depth. */
  list({ limit, after, owner }: ItemListQuery): Promise<ItemPage> {
    const conditions: SQL[] = [];
    if (after !== undefined) conditions.push(gt(items.id, after));
    if (owner !== undefined) conditions.push(eq(items.owner, owner));
    return this.database.run(async (db) => {
      const rows = await db
        .select()
        .from(items)
        .where(and(...conditions))
        .orderBy(asc(items.id))
        .limit(limit + 1);
      return { items: rows.slice(0, limit).map(toItem), hasMore: rows.length > limit };
    });
  }

  findById(id: number): Promise<Item | undefined> {
    return this.database.run(async (db) => {
      const [row] = await db.select().from(items).where(eq(items.id, id));
      return row && toItem(row);
    });
  }

  create(data: { name: string; owner: string }): Promise<Item> {
    return this.database.run(async (db) => {
      const [row] = await db.insert(items).values(data).returning();
      return toItem(row);
    });
  }

  /**
   * Renames in one statement that also checks the version, so of two concurrent renames with
   * the same expected version exactly one matches (the row lock makes the second see the new
   * version). Undefined when nothing matched (no such item, or another version).
   */
  rename(
    id: number,
    name: string,
    expectedVersions?: readonly number[],
  ): Promise<Item | undefined> {
    const match =
      expectedVersions === undefined
        ? eq(items.id, id)
        : and(eq(items.id, id), inArray(items.version, [...expectedVersions]));
    return this.database.run(async (db) => {
      const [row] = await db
        .update(items)
        .set({ name, version: sql`${items.version} + 1`, updatedAt: sql`now()` })
        .where(match)
        .returning();
      return row && toItem(row);
    });
  }

  /** True when an item was removed. */
  remove(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const rows = await db.delete(items).where(eq(items.id, id)).returning({ id: items.id });
      return rows.length > 0;
    });
  }
}

function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}
