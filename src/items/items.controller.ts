import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  AnyRole,
  CurrentUser,
  RequireActiveToken,
  Roles,
  type AuthPrincipal,
} from 'nest-keycloak-auth';
import { CreateItemDto } from './dto/create-item.dto.js';
import { ItemId } from './item-id.decorator.js';
import { Item } from './item.entity.js';
import { ItemsService } from './items.service.js';

const ID_PARAM = { name: 'id', type: Number, example: 1, description: 'A positive whole number' };

/** The example feature: access needs are declared with decorators and nothing else. */
@ApiTags('items')
@AnyRole('api-read', 'api-admin')
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  @ApiOkResponse({ type: [Item] })
  findAll(): Promise<Item[]> {
    return this.items.findAll();
  }

  @Get(':id')
  @ApiOkResponse({ type: Item })
  @ApiNotFoundResponse({ description: 'Unknown id' })
  @ApiParam(ID_PARAM)
  findOne(@ItemId() id: number): Promise<Item> {
    return this.items.findOne(id);
  }

  @Post()
  @Roles('api-admin')
  @ApiCreatedResponse({ type: Item })
  create(@Body() dto: CreateItemDto, @CurrentUser() user: AuthPrincipal): Promise<Item> {
    return this.items.create(dto.name, user.sub);
  }

  @Delete(':id')
  @Roles('api-admin')
  @RequireActiveToken()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'Unknown id' })
  @ApiParam(ID_PARAM)
  remove(@ItemId() id: number): Promise<void> {
    return this.items.remove(id);
  }
}
