import { Controller, Delete, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { BENCH_ITEMS } from '../items-fixture.js';

/** GET /health with the real HealthController's body, and no `@Public()` or anything else. */
@Controller('health')
class HealthController {
  @Get()
  live(): { status: string } {
    return { status: 'ok' };
  }
}

/**
 * The two item routes the bench hits, answering as the API instances of the ratios do (their
 * repository is bench/api-no-io.ts's fixed list): GET /items is the same 20 items, byte for byte,
 * and every DELETE is ItemsService's 404. No ItemId decorator: the id is taken as it comes.
 */
@Controller('items')
class ItemsController {
  @Get()
  findAll(): Promise<readonly unknown[]> {
    return Promise.resolve(BENCH_ITEMS);
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<void> {
    return Promise.reject(new NotFoundException(`Item ${id} not found`));
  }
}

/** The ceiling's whole app: two controllers, no providers, no guards, pipes or filters. */
@Module({ controllers: [HealthController, ItemsController] })
export class CeilingModule {}
