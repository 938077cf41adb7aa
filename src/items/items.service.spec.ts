import { NotFoundException, PreconditionFailedException } from '@nestjs/common';
import type { DatabaseService } from '../database/database.service.js';
import { inMemoryDatabase } from '../database/testing.js';
import type { Item } from './item.entity.js';
import { ItemEvents } from './item-events.js';
import { ItemsRepository } from './items.repository.js';
import { ItemsService } from './items.service.js';

describe('ItemsService', () => {
  let database: DatabaseService;
  let service: ItemsService;
  let events: ItemEvents;

  beforeAll(async () => {
    database = await inMemoryDatabase();
    events = new ItemEvents();
    service = new ItemsService(new ItemsRepository(database), events);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
  });

  it('announces each created item once it is stored, and nothing for a rename', async () => {
    const announced: Item[] = [];
    const subscription = events.created$.subscribe((item) => announced.push(item));

    const item = await service.create('announced', 'u1');
    await service.rename(item.id, 'renamed');
    subscription.unsubscribe();

    expect(announced).toEqual([item]);
  });

  it('answers an unknown id with 404 on read, rename and delete', async () => {
    await expect(service.findOne(424242)).rejects.toThrow(
      new NotFoundException('Item 424242 not found'),
    );
    await expect(service.rename(424242, 'x')).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.rename(424242, 'x', [1])).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.rename(424242, 'x', [])).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.remove(424242)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('answers a stale or weak-only If-Match with 412 and leaves the item alone', async () => {
    const item = await service.create('keep', 'u1');
    await expect(service.rename(item.id, 'x', [2])).rejects.toBeInstanceOf(
      PreconditionFailedException,
    );
    await expect(service.rename(item.id, 'x', [])).rejects.toBeInstanceOf(
      PreconditionFailedException,
    );
    expect(await service.findOne(item.id)).toEqual(item);
  });

  it('renames without If-Match, and with the current version', async () => {
    const item = await service.create('v1', 'u1');
    expect(await service.rename(item.id, 'v2')).toMatchObject({ name: 'v2', version: 2 });
    expect(await service.rename(item.id, 'v3', [2])).toMatchObject({ name: 'v3', version: 3 });
  });
});
