import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { Item } from './item.entity.js';

/**
 * Items created in this process, whichever door they came through (REST, GraphQL), for the
 * live channels (GraphQL subscriptions, the `/ws` gateway). Per process: a replica announces
 * what it created itself.
 */
@Injectable()
export class ItemEvents {
  private readonly created = new Subject<Item>();

  /** Each item as it is created. */
  readonly created$: Observable<Item> = this.created.asObservable();

  /** Announces a created item. */
  announceCreated(item: Item): void {
    this.created.next(item);
  }
}
