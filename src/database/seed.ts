import { sql } from 'drizzle-orm';
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

/** Seeds take turns (replicas of the docker compose stack may start together). */
const SEED_LOCK = 0x73656564; // "seed"

/**
 * Adds the demo items to a database that holds no item at all, and does nothing otherwise: a
 * restart keeps what users renamed or deleted, and running it twice adds nothing. Returns the
 * count added.
 */
export async function seedDemoItems(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    const any = await tx
      .select({ one: sql`1` })
      .from(items)
      .limit(1);
    if (any.length > 0) return 0;
    await tx.insert(items).values([...DEMO_ITEMS]);
    return DEMO_ITEMS.length;
  });
}
