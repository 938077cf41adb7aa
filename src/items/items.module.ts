import { Module } from '@nestjs/common';
import { ItemEvents } from './item-events.js';
import { ItemOwner } from './item-owner.lookup.js';
import { ItemsController } from './items.controller.js';
import { ItemsRepository } from './items.repository.js';
import { ItemsService } from './items.service.js';

/** Items feature module: the pattern a team copies for its own modules. */
@Module({
  controllers: [ItemsController],
  providers: [ItemsService, ItemsRepository, ItemOwner, ItemEvents],
  // For the other doors onto the same items (GraphQL, the live gateway).
  exports: [ItemsService, ItemEvents, ItemOwner],
})
export class ItemsModule {}
