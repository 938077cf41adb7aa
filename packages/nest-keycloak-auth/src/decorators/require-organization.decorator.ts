import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { OrganizationGuard } from '../guards/organization.guard.js';
import { ORGANIZATION_RULE_KEY } from '../metadata/metadata-keys.js';
import type { OrganizationSource } from '../metadata/route-rules.js';

/**
 * The request names an organization (by alias) in a path parameter or a header, and the
 * caller must be a member of it (the token's `organization` claim): 403 otherwise, 400 when
 * the request names none. The guard comes with the decorator and runs after the roles and
 * scopes; `@CurrentOrganization()` hands the matched organization to the handler. On a
 * handler it replaces the controller's rule.
 * @example
 * @Get(':org/items')
 * @RequireOrganization({ param: 'org' })
 * list(@CurrentOrganization() org: Organization) {}
 */
export const RequireOrganization = (source: OrganizationSource) =>
  applyDecorators(SetMetadata(ORGANIZATION_RULE_KEY, source), UseGuards(OrganizationGuard));
