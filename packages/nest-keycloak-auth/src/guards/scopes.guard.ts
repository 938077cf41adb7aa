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
import type { AuthenticatedRequest } from '../principal.js';
import { publishAccepted } from '../telemetry/auth-channels.js';

/**
 * Enforces `@Scopes` (all of) and `@AnyScope` (any of) against the token's `scope` claim.
 * Handler metadata replaces the controller's, as for roles; a route with scope metadata but no
 * authenticated user is refused. A miss is a 403 `insufficient_scope` naming the scopes.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const { allScopes, anyScopes } = this.routes.get(context.getHandler(), context.getClass());
    if (!allScopes && !anyScopes) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = request.user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    const held = user.scopes;
    if (allScopes && !allScopes.every((scope) => held.includes(scope))) {
      throw new AuthError(AuthErrorCode.InsufficientScope, { requiredScopes: allScopes });
    }
    if (anyScopes && !anyScopes.some((scope) => held.includes(scope))) {
      throw new AuthError(AuthErrorCode.InsufficientScope, { requiredAnyScopes: anyScopes });
    }
    if (this.audit)
      this.audit.accepted('authorization', request, {
        scopesRequired: allScopes,
        scopesAnyOf: anyScopes,
      });
    else publishAccepted('authorization');
    return true;
  }
}
