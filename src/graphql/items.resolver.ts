import { Inject } from '@nestjs/common';
import { Args, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import {
  AnyRole,
  CurrentUser,
  OwnerOrRole,
  Permission,
  type AuthPrincipal,
} from 'nest-keycloak-auth';
import { ItemEvents } from '../items/item-events.js';
import { ItemOwner } from '../items/item-owner.lookup.js';
import { ItemsService } from '../items/items.service.js';
import { CreateItemArgs, ListItemsArgs, RenameItemArgs } from './item.args.js';
import { ItemModel } from './item.model.js';
import { iterate } from './observable-iterator.js';

/**
 * The items feature over GraphQL, with REST's rules: reads and the live feed need api-read or
 * api-admin; creating is Keycloak's `items#create` decision; renaming is the owner's (with
 * api-write) or any api-admin's. Protected root fields are nullable: a refused one is null
 * with its error, and the other fields of the request are still answered.
 */
@Resolver(() => ItemModel)
@AnyRole('api-read', 'api-admin')
export class ItemsResolver {
  constructor(
    @Inject(ItemsService) private readonly service: ItemsService,
    @Inject(ItemEvents) private readonly events: ItemEvents,
  ) {}

  @Query(() => [ItemModel], {
    nullable: true,
    description: 'Items, oldest first, a page at a time',
  })
  async items(@Args() { limit, after }: ListItemsArgs): Promise<ItemModel[]> {
    return (await this.service.list({ limit, after })).items;
  }

  @Query(() => ItemModel, { nullable: true, description: 'One item; NOT_FOUND when there is none' })
  item(@Args('id', { type: () => Int }) id: number): Promise<ItemModel> {
    return this.service.findOne(id);
  }

  @Mutation(() => ItemModel, { nullable: true, description: 'Creates an item owned by the caller' })
  @Permission('items#create')
  createItem(
    @Args() { name }: CreateItemArgs,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ItemModel> {
    return this.service.create(name, user.sub);
  }

  @Mutation(() => ItemModel, {
    nullable: true,
    description: "Renames an item: the owner's (with api-write) or any api-admin's",
  })
  @AnyRole('api-write', 'api-admin')
  @OwnerOrRole(ItemOwner, 'api-admin')
  renameItem(@Args() { id, name, version }: RenameItemArgs): Promise<ItemModel> {
    return this.service.rename(id, name, version === undefined ? undefined : [version]);
  }

  @Subscription(() => ItemModel, {
    nullable: true,
    description: 'Each item as it is created (REST or GraphQL), while the token is good',
    resolve: (item: ItemModel) => item,
  })
  itemCreated(): AsyncIterableIterator<ItemModel> {
    return iterate(this.events.created$);
  }
}
