import { Inject, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import type { Item } from './item.entity.js';
import { ItemEvents } from './item-events.js';
import { ItemsRepository, type ItemListQuery, type ItemPage } from './items.repository.js';

/** Item use cases; knows nothing of HTTP auth beyond the owner's id. */
@Injectable()
export class ItemsService {
  constructor(
    @Inject(ItemsRepository) private readonly repository: ItemsRepository,
    @Inject(ItemEvents) private readonly events: ItemEvents,
  ) {}

  list(query: ItemListQuery): Promise<ItemPage> {
    return this.repository.list(query);
  }

  async findOne(id: number): Promise<Item> {
    const item = await this.repository.findById(id);
    if (!item) throw notFound(id);
    return item;
  }

  /** Creates the item and announces it (ItemEvents) once it is stored. */
  async create(name: string, owner: string): Promise<Item> {
    const item = await this.repository.create({ name, owner });
    this.events.announceCreated(item);
    return item;
  }

  /**
   * Renames when the item's version is one of `expectedVersions` (from If-Match), or in any
   * version when it is undefined; 412 when the item has moved on, 404 when there is none.
   */
  async rename(id: number, name: string, expectedVersions?: number[]): Promise<Item> {
    const renamed =
      expectedVersions?.length === 0
        ? undefined
        : await this.repository.rename(id, name, expectedVersions);
    if (renamed) return renamed;
    await this.findOne(id);
    throw stale(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.repository.remove(id))) throw notFound(id);
  }
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`Item ${id} not found`);
}

function stale(id: number): PreconditionFailedException {
  return new PreconditionFailedException(
    `Item ${id} has changed since the version given in If-Match; fetch it again`,
  );
}
