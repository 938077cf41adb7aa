import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './database-connection.js';
import { items } from './schema.js';

/** The demo realm's users (keycloak/realm-demo.json fixes their ids, so these are their subs). */
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const DAVE = '00000000-0000-4000-8000-00000000da4e';

/** A few items owned by the demo users: dave can rename his own and not alice's. */
export const DEMO_ITEMS: ReadonlyArray<{ name: string; owner: string }> = [
  { name: 'Blue widget', owner: ALICE },
  { name: 'Red gadget', owner: ALICE },
  { name: "Dave's notebook", owner: DAVE },
  { name: 'Green lamp', owner: DAVE },
];

/** Adds each demo item its owner does not have yet: running it twice adds nothing. Returns the count added. */
export async function seedDemoItems(db: Db): Promise<number> {
  let added = 0;
  for (const item of DEMO_ITEMS) {
    const present = await db
      .select({ one: sql`1` })
      .from(items)
      .where(and(eq(items.owner, item.owner), eq(items.name, item.name)))
      .limit(1);
    if (present.length > 0) continue;
    await db.insert(items).values(item);
    added++;
  }
  return added;
}
