import { Injectable } from '@nestjs/common';
import type { Item } from './item.entity.js';

/**
 * Storage of items: the seam a team replaces with a database-backed implementation
 * (`{ provide: ItemsRepository, useClass: TypeOrmItemsRepository }`).
 */
export abstract class ItemsRepository {
  abstract findAll(): Promise<Item[]>;
  abstract findById(id: number): Promise<Item | undefined>;
  abstract create(data: Omit<Item, 'id'>): Promise<Item>;
  /** True when an item was removed. */
  abstract remove(id: number): Promise<boolean>;
}

/** Process-local storage, enough for the example and the tests. */
@Injectable()
export class InMemoryItemsRepository extends ItemsRepository {
  private readonly items = new Map<number, Item>();
  private nextId = 1;

  findAll(): Promise<Item[]> {
    return Promise.resolve([...this.items.values()]);
  }

  findById(id: number): Promise<Item | undefined> {
    return Promise.resolve(this.items.get(id));
  }

  create(data: Omit<Item, 'id'>): Promise<Item> {
    const item = { id: this.nextId++, ...data };
    this.items.set(item.id, item);
    return Promise.resolve(item);
  }

  remove(id: number): Promise<boolean> {
    return Promise.resolve(this.items.delete(id));
  }
}
