import { Field, Int, ObjectType } from '@nestjs/graphql';

/** An item as GraphQL returns it: the REST `Item`, field for field. */
@ObjectType('Item')
export class ItemModel {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;

  @Field({ description: 'sub of the creator' })
  owner!: string;

  @Field({ description: 'ISO 8601 date-time' })
  createdAt!: string;

  @Field({ description: 'ISO 8601 date-time' })
  updatedAt!: string;

  @Field(() => Int, { description: 'Bumped by every change; renameItem(version:) compares it' })
  version!: number;
}
