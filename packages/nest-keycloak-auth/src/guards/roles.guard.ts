import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { CheckedRules } from '../audit/audit-trail.js';
import { authRequestOf } from '../context/auth-request.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/** The roles a route demands: `@Roles` (all of them) and `@AnyRole` (one of them). */
export interface RoleRule {
  readonly all?: readonly string[];
  readonly any?: readonly string[];
}

/**
 * Enforces `@Roles` (all of) and `@AnyRole` (any of). Handler metadata replaces the
 * controller's: a handler marked `@Public()` skips the controller's roles. A route with role
 * metadata but no authenticated user is refused.
 */
@Injectable()
export class RolesGuard extends RuleGuard<RoleRule> {
  protected readRule(context: ExecutionContext): RoleRule | undefined {
    const { allRoles, anyRoles } = this.routeOf(context);
    return allRoles || anyRoles ? { all: allRoles, any: anyRoles } : undefined;
  }

  /**
   * A protected route without roles: authentication alone decided, and JwtAuthGuard counted
   * it. With `auditAccepted`, this global guard writes its audit line (one per request).
   */
  protected override withoutRule(context: ExecutionContext): boolean {
    if (this.routeOf(context).isPublic) return true;
    const request = authRequestOf<AuthenticatedRequest>(context);
    if (request?.user) this.audit?.logAccepted('authentication', request);
    return true;
  }

  protected check(user: AuthPrincipal, { all, any }: RoleRule): RuleVerdict {
    const held = this.rolesOf(user);
    const missingRoles = all?.filter((role) => !held.has(role)) ?? [];
    if (missingRoles.length > 0) {
      return new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles, requiredRoles: all });
    }
    if (any && !any.some((role) => held.has(role))) {
      return new AuthError(AuthErrorCode.InsufficientRoles, { requiredAnyRoles: any });
    }
    return undefined;
  }

  protected override checked({ all, any }: RoleRule): CheckedRules {
    return { rolesRequired: all, rolesAnyOf: any };
  }

  /** Extension point: the roles a principal holds. */
  protected rolesOf(user: AuthPrincipal): ReadonlySet<string> {
    return user.roles;
  }
}
