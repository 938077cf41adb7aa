import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Item } from './item.entity.js';
import { ItemsRepository } from './items.repository.js';

/** Item use cases; knows nothing of HTTP auth beyond the owner's id. */
@Injectable()
export class ItemsService {
  constructor(@Inject(ItemsRepository) private readonly repository: ItemsRepository) {}

  findAll(): Promise<Item[]> {
    return this.repository.findAll();
  }

  async findOne(id: number): Promise<Item> {
    const item = await this.repository.findById(id);
    if (!item) throw new NotFoundException(`Item ${id} not found`);
    return item;
  }

  create(name: string, owner: string): Promise<Item> {
    return this.repository.create({ name, owner });
  }

  async remove(id: number): Promise<void> {
    if (!(await this.repository.remove(id))) throw new NotFoundException(`Item ${id} not found`);
  }
}
