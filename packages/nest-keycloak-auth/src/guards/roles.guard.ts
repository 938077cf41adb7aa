import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
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

  constructor(@Inject(Reflector) reflector: Reflector) {
    this.routes = new RouteAuthCache(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const { allRoles, anyRoles } = this.routes.get(context.getHandler(), context.getClass());
    if (!allRoles && !anyRoles) return true;

    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    const held = this.rolesOf(user);
    if (allRoles) requireAll(held, allRoles);
    if (anyRoles && !anyRoles.some((role) => held.has(role))) {
      throw new AuthError(AuthErrorCode.InsufficientRoles);
    }
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
    throw new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles });
  }
}
