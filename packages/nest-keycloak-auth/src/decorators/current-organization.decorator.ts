import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { authRequestOf } from '../context/auth-request.js';
import type { Organization } from '../organizations/organization.js';
import type { OrganizationRequest } from '../guards/organization.guard.js';

/**
 * Injects the organization `@RequireOrganization` matched: the one the request named, with
 * its id and attributes when the token carries them. Undefined on a route without the rule.
 * @example
 * @Get(':org')
 * @RequireOrganization({ param: 'org' })
 * show(@CurrentOrganization() org: Organization) { return org.alias; }
 */
export const CurrentOrganization = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Organization | undefined =>
    authRequestOf<OrganizationRequest>(context)?.organization,
);
