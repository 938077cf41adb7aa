import type { DatabaseService } from '../database/database.service.js';
import { inMemoryDatabase } from '../database/testing.js';
import { ItemsRepository } from './items.repository.js';

describe('ItemsRepository (PGlite)', () => {
  let database: DatabaseService;
  let repository: ItemsRepository;

  beforeAll(async () => {
    database = await inMemoryDatabase();
    repository = new ItemsRepository(database);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
  });

  it('creates an item at version 1, with both timestamps equal', async () => {
    const item = await repository.create({ name: 'a', owner: 'u1' });
    expect(item).toEqual({
      id: expect.any(Number) as unknown,
      name: 'a',
      owner: 'u1',
      createdAt: item.updatedAt,
      updatedAt: expect.stringMatching(/Z$/) as unknown,
      version: 1,
    });
    expect(await repository.findById(item.id)).toEqual(item);
  });

  it('pages by id, says whether more follow, and filters by owner', async () => {
    const made = [];
    for (const owner of ['p1', 'p2', 'p1', 'p1']) {
      made.push(await repository.create({ name: 'paged', owner }));
    }
    const after = made[0].id - 1;
    const first = await repository.list({ limit: 2, after, owner: 'p1' });
    expect(first.items.map((item) => item.id)).toEqual([made[0].id, made[2].id]);
    expect(first.hasMore).toBe(true);
    const rest = await repository.list({ limit: 2, after: made[2].id, owner: 'p1' });
    expect(rest).toEqual({ items: [made[3]], hasMore: false });
  });

  it('renames only the expected versions, bumping the version', async () => {
    const item = await repository.create({ name: 'old', owner: 'u1' });
    expect(await repository.rename(item.id, 'new', [2])).toBeUndefined();
    const renamed = await repository.rename(item.id, 'new', [1, 5]);
    expect(renamed).toMatchObject({ name: 'new', version: 2 });
    expect(await repository.rename(item.id, 'newer')).toMatchObject({ version: 3 });
    expect(await repository.rename(999_999, 'x')).toBeUndefined();
  });

  it('removes once', async () => {
    const item = await repository.create({ name: 'gone', owner: 'u1' });
    expect(await repository.remove(item.id)).toBe(true);
    expect(await repository.remove(item.id)).toBe(false);
    expect(await repository.findById(item.id)).toBeUndefined();
  });
});
