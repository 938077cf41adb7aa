import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { PermissionGuard } from '../guards/permission.guard.js';
import { PERMISSIONS_KEY } from '../metadata/metadata-keys.js';

/**
 * Every listed permission (`resource#scope`, as named in the API client's Authorization
 * settings in Keycloak) must be granted by Keycloak Authorization Services for the caller:
 * the policy lives in Keycloak, so changing it there takes effect without a deploy (within
 * the decision cache's TTL). Its guard comes with the decorator and runs after the roles and
 * scopes. On a handler it replaces the controller's list.
 * @example
 * @Permission('items#delete')
 * @Delete(':id')
 * remove() {}
 */
export const Permission = (...permissions: string[]) =>
  applyDecorators(SetMetadata(PERMISSIONS_KEY, permissions), UseGuards(PermissionGuard));
