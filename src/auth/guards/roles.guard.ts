import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_ANY_KEY } from '../decorators/any-role.decorator.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { ROLES_ALL_KEY } from '../decorators/roles.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';

/** A handler or a controller class, as the Reflector takes it. */
type MetadataTarget = Parameters<Reflector['get']>[1];

/**
 * Enforces `@Roles` (all of) and `@AnyRole` (any of). Handler metadata replaces the
 * controller's: a handler marked `@Public()` skips the controller's roles. A route with role
 * metadata but no authenticated user is refused.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, context.getHandler()) === true) {
      return true;
    }
    const onHandler = this.requirements(context.getHandler());
    const { all, any } =
      onHandler.all || onHandler.any ? onHandler : this.requirements(context.getClass());
    if (!all && !any) return true;

    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    if (all) this.requireAll(user, all);
    if (any) this.requireAny(user, any);
    return true;
  }

  private requirements(target: MetadataTarget): {
    all?: string[];
    any?: string[];
  } {
    return {
      all: this.reflector.get<string[] | undefined>(ROLES_ALL_KEY, target),
      any: this.reflector.get<string[] | undefined>(ROLES_ANY_KEY, target),
    };
  }

  /** Extension point: the roles a principal holds. */
  protected rolesOf(user: AuthPrincipal): ReadonlySet<string> {
    return user.roles;
  }

  private requireAll(user: AuthPrincipal, required: readonly string[]): void {
    const held = this.rolesOf(user);
    const missingRoles = required.filter((role) => !held.has(role));
    if (missingRoles.length > 0)
      throw new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles });
  }

  private requireAny(user: AuthPrincipal, accepted: readonly string[]): void {
    const held = this.rolesOf(user);
    if (!accepted.some((role) => held.has(role)))
      throw new AuthError(AuthErrorCode.InsufficientRoles);
  }
}
