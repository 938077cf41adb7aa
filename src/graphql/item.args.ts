import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CreateItemDto } from '../items/dto/create-item.dto.js';

/** `items(limit:, after:)`: a page, oldest first, as GET /items' query. */
@ArgsType()
export class ListItemsArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50, description: '1 to 100' })
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit = 50;

  @Field(() => Int, { nullable: true, description: 'The id of the last item received' })
  @IsOptional()
  @IsInt({ message: 'after must be a positive whole number (the id of the last item received)' })
  @Min(1, { message: 'after must be a positive whole number (the id of the last item received)' })
  after?: number;
}

/** `createItem(name:)`: the name checked as POST /items checks it (trimmed, 1-100, no controls). */
@ArgsType()
export class CreateItemArgs extends CreateItemDto {
  @Field({ description: 'Trimmed; 1 to 100 characters, no control characters' })
  override name!: string;
}

/** `renameItem(id:, name:, version:)`: `version` plays If-Match's part. */
@ArgsType()
export class RenameItemArgs extends CreateItemArgs {
  @Field(() => Int)
  @IsInt()
  @Min(1, { message: 'id must be a positive whole number' })
  id!: number;

  @Field(() => Int, { nullable: true, description: 'Rename only this version (412 otherwise)' })
  @IsOptional()
  @IsInt()
  version?: number;
}
