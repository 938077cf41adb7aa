import { Controller, Delete, Get, Module, NotFoundException, Param } from '@nestjs/common';

/** GET /health with the real HealthController's body, and no `@Public()` or anything else. */
@Controller('health')
class HealthController {
  @Get()
  live(): { status: string } {
    return { status: 'ok' };
  }
}

/**
 * The two item routes the bench hits, answering as the real app does for the bench's data:
 * the in-memory repository starts empty and the bench creates nothing, so GET /items is `[]`
 * and every DELETE is ItemsService's 404. No ItemId decorator: the id is taken as it comes.
 */
@Controller('items')
class ItemsController {
  @Get()
  findAll(): Promise<unknown[]> {
    return Promise.resolve([]);
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<void> {
    return Promise.reject(new NotFoundException(`Item ${id} not found`));
  }
}

/** The ceiling's whole app: two controllers, no providers, no guards, pipes or filters. */
@Module({ controllers: [HealthController, ItemsController] })
export class CeilingModule {}
