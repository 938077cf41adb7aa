import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  AnyRole,
  CurrentUser,
  OwnerOrRole,
  Permission,
  RequireActiveToken,
  Roles,
  type AuthPrincipal,
} from 'nest-keycloak-auth';
import { CreateItemDto } from './dto/create-item.dto.js';
import { ListItemsQuery } from './dto/list-items.query.js';
import { RenameItemDto } from './dto/rename-item.dto.js';
import { etagOf, parseIfMatch } from './if-match.js';
import { ItemId } from './item-id.decorator.js';
import { ItemOwner } from './item-owner.lookup.js';
import { Item } from './item.entity.js';
import { ItemsService } from './items.service.js';
import { ApiErrors, type ErrorAnswer } from '../common/api-errors.decorator.js';

const ID_PARAM = {
  name: 'id',
  schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  example: 1,
  description: 'A positive whole number',
} as const;
const ETAG = {
  ETag: { description: 'The item version, for If-Match', schema: { type: 'string' } },
};

/** Error answers several routes share (src/database/database-error.filter.ts writes two). */
const DATABASE_DOWN: ErrorAnswer = {
  status: 503,
  description: 'Database unavailable',
  retryAfter: true,
  example: 'Database unavailable',
};
const UNKNOWN_ID: ErrorAnswer = {
  status: 404,
  description: 'Unknown id',
  example: 'Item 7 not found',
};
const BAD_ID: ErrorAnswer = { status: 400, example: 'id must be a positive whole number' };
const CONFLICT: ErrorAnswer = { status: 409, example: 'Conflicts with stored data' };

/**
 * The example feature: access needs are declared with decorators and nothing else. Reads need
 * api-read (or api-admin); creating needs api-write or api-admin; renaming is the owner's (with
 * api-write) or any api-admin's; deleting is api-admin's, with a live token.
 */
@ApiTags('items')
@AnyRole('api-read', 'api-admin')
@Controller('items')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List items, oldest first, a page at a time' })
  @ApiErrors(
    { status: 400, example: ['limit must be a whole number from 1 to 100'] },
    DATABASE_DOWN,
  )
  @ApiOkResponse({
    type: [Item],
    headers: {
      Link: {
        description: 'RFC 8288 `<?limit=…&after=…>; rel="next"` while more items follow',
        schema: { type: 'string' },
      },
    },
  })
  async findAll(
    @Query() query: ListItemsQuery,
    @CurrentUser() user: AuthPrincipal,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Item[]> {
    const owner = query.owner === 'me' ? user.sub : undefined;
    const page = await this.items.list({ limit: query.limit, after: query.after, owner });
    const last = page.items.at(-1);
    if (page.hasMore && last) {
      const next = new URLSearchParams({ limit: String(query.limit), after: String(last.id) });
      if (query.owner) next.set('owner', query.owner);
      this.setHeader(response, 'Link', `<?${next.toString()}>; rel="next"`);
    }
    return page.items;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one item' })
  @ApiOkResponse({ type: Item, headers: ETAG })
  @ApiErrors(BAD_ID, UNKNOWN_ID, DATABASE_DOWN)
  @ApiParam(ID_PARAM)
  async findOne(
    @ItemId() id: number,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Item> {
    const item = await this.items.findOne(id);
    this.setHeader(response, 'ETag', etagOf(item.version));
    return item;
  }

  @Post()
  // The controller's roles still apply (api-read or api-admin); who may create is Keycloak's
  // policy (demo realm: api-write or api-admin), changed in its console without a deploy.
  @Permission('items#create')
  @ApiOperation({ summary: 'Create an item owned by the caller' })
  @ApiCreatedResponse({ type: Item })
  @ApiErrors(
    { status: 400, example: ['name must be longer than or equal to 1 characters'] },
    CONFLICT,
    DATABASE_DOWN,
  )
  create(@Body() dto: CreateItemDto, @CurrentUser() user: AuthPrincipal): Promise<Item> {
    return this.items.create(dto.name, user.sub);
  }

  @Patch(':id')
  @AnyRole('api-write', 'api-admin')
  @OwnerOrRole(ItemOwner, 'api-admin')
  @ApiOperation({ summary: "Rename an item: the owner's (with api-write) or any api-admin's" })
  @ApiOkResponse({ type: Item, headers: ETAG })
  @ApiErrors(
    { status: 400, example: 'If-Match must be * or entity tags such as "3"' },
    UNKNOWN_ID,
    CONFLICT,
    {
      status: 412,
      description: 'If-Match names a version the item no longer has, or weak tags only (W/"3")',
      example: 'Item 7 has changed since the version given in If-Match; fetch it again',
    },
    DATABASE_DOWN,
  )
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag last read (e.g. "3", a strong tag; W/ tags never match): the rename applies only to that version',
  })
  @ApiParam(ID_PARAM)
  async rename(
    @ItemId() id: number,
    @Body() dto: RenameItemDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Item> {
    const item = await this.items.rename(id, dto.name, parseIfMatch(ifMatch));
    this.setHeader(response, 'ETag', etagOf(item.version));
    return item;
  }

  @Delete(':id')
  @Roles('api-admin')
  @RequireActiveToken()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an item (api-admin, token checked live with Keycloak)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(BAD_ID, UNKNOWN_ID, DATABASE_DOWN)
  @ApiParam(ID_PARAM)
  remove(@ItemId() id: number): Promise<void> {
    return this.items.remove(id);
  }

  /** Through the adapter, so the same code sets headers on Express and Fastify. */
  private setHeader(response: unknown, name: string, value: string): void {
    this.adapterHost.httpAdapter.setHeader(response, name, value);
  }
}
