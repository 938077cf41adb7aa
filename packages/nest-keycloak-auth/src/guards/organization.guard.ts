import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { OrganizationSource } from '../metadata/route-rules.js';
import type { Organization } from '../organizations/organization.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/** The request as the guard reads it, and what it leaves for `@CurrentOrganization()`. */
export type OrganizationRequest = AuthenticatedRequest & {
  params?: Record<string, string | undefined>;
  headers?: Record<string, string | string[] | undefined>;
  /** The organization the request named, once the guard found the caller in it. */
  organization?: Organization;
};

/**
 * Enforces `@RequireOrganization`: the organization the request names must be one of the
 * caller's (compared by alias, exactly). Runs after the global guards, so the principal is
 * there; without one it refuses (fail closed).
 */
@Injectable()
export class OrganizationGuard extends RuleGuard<OrganizationSource, OrganizationRequest> {
  protected readRule(context: ExecutionContext): OrganizationSource | undefined {
    return this.routeOf(context).organization;
  }

  /** Leaves the matched organization on the request for `@CurrentOrganization()`. */
  protected check(
    user: AuthPrincipal,
    source: OrganizationSource,
    request: OrganizationRequest,
  ): RuleVerdict {
    const alias = namedOrganization(request, source);
    if (alias === undefined) {
      return new AuthError(AuthErrorCode.OrganizationMissing, { organizationSource: source });
    }
    const organization = user.organizations.find((member) => member.alias === alias);
    if (!organization) return new AuthError(AuthErrorCode.NotOrganizationMember);
    request.organization = organization;
    return undefined;
  }
}

/** The alias the request names; undefined when absent, empty or sent twice. */
function namedOrganization(
  request: OrganizationRequest,
  source: OrganizationSource,
): string | undefined {
  const value =
    'param' in source
      ? request.params?.[source.param]
      : request.headers?.[source.header.toLowerCase()];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
