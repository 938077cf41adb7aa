import { items } from './schema.js';
import { DEMO_ITEMS, seedDemoItems } from './seed.js';
import type { DatabaseService } from './database.service.js';
import { inMemoryDatabase } from './testing.js';

describe('seedDemoItems', () => {
  let database: DatabaseService;

  beforeAll(async () => {
    database = await inMemoryDatabase();
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
  });

  it('adds the demo items once: a second run adds nothing', async () => {
    expect(await database.run(seedDemoItems)).toBe(DEMO_ITEMS.length);
    expect(await database.run(seedDemoItems)).toBe(0);
    const rows = await database.run((db) => db.select().from(items));
    expect(rows.map(({ name, owner }) => ({ name, owner }))).toEqual(DEMO_ITEMS);
  });

  it('adds nothing to a database that holds items, even after the demo ones were renamed', async () => {
    await database.run((db) => db.update(items).set({ name: 'renamed' }));
    expect(await database.run(seedDemoItems)).toBe(0);
    const names = await database.run((db) => db.select({ name: items.name }).from(items));
    expect(names.map(({ name }) => name)).toEqual(DEMO_ITEMS.map(() => 'renamed'));
  });

  it("gives both alice and dave items, so dave can rename his own and not alice's", () => {
    expect(new Set(DEMO_ITEMS.map((item) => item.owner)).size).toBe(2);
  });
});

describe('DatabaseService with SEED_DEMO_ITEMS=true', () => {
  it('adds the demo items right after migrating, before reporting ready', async () => {
    const database = await inMemoryDatabase(true);
    try {
      const rows = await database.run((db) => db.select().from(items));
      expect(rows.map(({ name, owner }) => ({ name, owner }))).toEqual(DEMO_ITEMS);
    } finally {
      await database.onApplicationShutdown();
    }
  });

  it('adds none without it', async () => {
    const database = await inMemoryDatabase();
    try {
      expect(await database.run((db) => db.select().from(items))).toEqual([]);
    } finally {
      await database.onApplicationShutdown();
    }
  });
});
