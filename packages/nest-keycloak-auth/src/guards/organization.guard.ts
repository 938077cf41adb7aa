import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { OrganizationSource } from '../metadata/route-rules.js';
import type { Organization } from '../organizations/organization.js';
import type { AuthenticatedRequest } from '../principal.js';
import { publishAccepted } from '../telemetry/auth-channels.js';

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
export class OrganizationGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const { organization: source } = this.routes.get(context.getHandler(), context.getClass());
    if (!source) return true;
    const request = context.switchToHttp().getRequest<OrganizationRequest>();
    const user = request.user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    const alias = namedOrganization(request, source);
    if (alias === undefined) {
      throw new AuthError(AuthErrorCode.OrganizationMissing, { organizationSource: source });
    }
    const organization = user.organizations.find((member) => member.alias === alias);
    if (!organization) throw new AuthError(AuthErrorCode.NotOrganizationMember);
    request.organization = organization;
    if (this.audit) this.audit.accepted('authorization', request);
    else publishAccepted('authorization');
    return true;
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
