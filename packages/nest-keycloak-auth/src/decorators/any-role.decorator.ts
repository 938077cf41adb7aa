import { SetMetadata } from '@nestjs/common';

/** Metadata key set by {@link AnyRole}. */
export const ROLES_ANY_KEY = 'auth:roles:any';

/**
 * The caller needs at least one of these roles (realm or this API's client roles).
 * On a handler it replaces the controller's role metadata.
 * @example
 * @AnyRole('api-read', 'api-admin')
 * @Get()
 * list() {}
 */
export const AnyRole = (...roles: string[]) => SetMetadata(ROLES_ANY_KEY, roles);
