import { SetMetadata } from '@nestjs/common';
import { ROLES_ALL_KEY } from '../metadata/metadata-keys.js';

/**
 * The caller needs every one of these roles (realm or this API's client roles).
 * On a handler it replaces the controller's role metadata.
 * @example
 * @Roles('api-admin')
 * @Post()
 * create(@Body() dto: CreateItemDto) {}
 */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_ALL_KEY, roles);
