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
import { publishAccepted } from '../telemetry/auth-channels.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';

/**
 * Enforces `@Roles` (all of) and `@AnyRole` (any of). Handler metadata replaces the
 * controller's: a handler marked `@Public()` skips the controller's roles. A route with role
 * metadata but no authenticated user is refused.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  /**
   * @param audit records the accepted decision (with `auditAccepted`, one line per request:
   *   this guard runs last of the global pair); without it acceptances go unrecorded.
   */
  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const route = this.routes.get(context.getHandler(), context.getClass());
    if (route.isPublic) return true;
    const { allRoles, anyRoles } = route;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!allRoles && !anyRoles) {
      // Authentication alone decided: JwtAuthGuard counted it; one audit line when asked for.
      if (request.user) this.audit?.logAccepted('authentication', request);
      return true;
    }

    const user = request.user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    const held = this.rolesOf(user);
    if (allRoles) requireAll(held, allRoles);
    if (anyRoles && !anyRoles.some((role) => held.has(role))) {
      throw new AuthError(AuthErrorCode.InsufficientRoles, { requiredAnyRoles: anyRoles });
    }
    const checked = { rolesRequired: allRoles, rolesAnyOf: anyRoles };
    if (this.audit) this.audit.accepted('authorization', request, checked);
    else publishAccepted('authorization');
    return true;
  }

  /** Extension point: the roles a principal holds. */
  protected rolesOf(user: AuthPrincipal): ReadonlySet<string> {
    return user.roles;
  }
}

function requireAll(held: ReadonlySet<string>, required: readonly string[]): void {
  const missingRoles = required.filter((role) => !held.has(role));
  if (missingRoles.length > 0) {
    throw new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles, requiredRoles: required });
  }
}
