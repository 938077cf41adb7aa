import { applyDecorators, SetMetadata, UseGuards, type Type } from '@nestjs/common';
import { ResourceOwnerGuard } from '../guards/resource-owner.guard.js';
import { OWNER_RULE_KEY } from '../metadata/metadata-keys.js';
import type { OwnerRule } from '../metadata/route-rules.js';
import type { ResourceOwnerLookup } from '../ownership/resource-owner-lookup.js';

/**
 * The resource-owner rule: the caller must own the addressed resource (its `sub` is the one
 * `lookup` returns) or hold one of `roles`. Composes with `@Roles`/`@AnyRole`, which still
 * apply: `@AnyRole('api-write', 'api-admin') @OwnerOrRole(ItemOwner, 'api-admin')` lets an
 * api-write holder change their own items and an api-admin anyone's. `lookup` must be a
 * provider of the controller's module. On a handler it replaces the controller's rule.
 * @example
 * @Patch(':id')
 * @OwnerOrRole(ItemOwner, 'api-admin')
 * rename() {}
 */
export const OwnerOrRole = (lookup: Type<ResourceOwnerLookup>, ...roles: string[]) =>
  applyDecorators(
    SetMetadata(OWNER_RULE_KEY, { lookup, roles } satisfies OwnerRule),
    UseGuards(ResourceOwnerGuard),
  );
