import { Module } from '@nestjs/common';
import { ItemsController } from './items.controller.js';
import { InMemoryItemsRepository, ItemsRepository } from './items.repository.js';
import { ItemsService } from './items.service.js';

/** Items feature module: the pattern a team copies for its own modules. */
@Module({
  controllers: [ItemsController],
  providers: [ItemsService, { provide: ItemsRepository, useClass: InMemoryItemsRepository }],
})
export class ItemsModule {}
