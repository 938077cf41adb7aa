import { Inject, Injectable } from '@nestjs/common';
import type { OwnedResourceRequest, ResourceOwnerLookup } from 'nest-keycloak-auth';
import { parseItemId } from './item-id.decorator.js';
import { ItemsService } from './items.service.js';

/** Whose item a `/items/:id` request addresses, for `@OwnerOrRole`: 400/404 as the route gives. */
@Injectable()
export class ItemOwner implements ResourceOwnerLookup {
  constructor(@Inject(ItemsService) private readonly items: ItemsService) {}

  async ownerOf(request: OwnedResourceRequest): Promise<string> {
    return (await this.items.findOne(parseItemId(request.params.id))).owner;
  }
}
