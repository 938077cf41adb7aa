import { SetMetadata } from '@nestjs/common';
import { ROLES_ANY_KEY } from '../metadata/metadata-keys.js';

/**
 * The caller needs at least one of these roles (realm or this API's client roles).
 * On a handler it replaces the controller's role metadata.
 * @example
 * @AnyRole('api-read', 'api-admin')
 * @Get()
 * list() {}
 */
export const AnyRole = (...roles: string[]) => SetMetadata(ROLES_ANY_KEY, roles);
