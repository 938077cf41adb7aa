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
 * Enforces `@Realms`: the token's realm (`principal.realm`, fixed by its verified issuer) must
 * be one the route lists, else 403 `ERR_AUTH_REALM_NOT_ALLOWED`. Runs after the global guards;
 * without a principal it refuses (fail closed).
 */
@Injectable()
export class RealmsGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const { realms } = this.routes.get(context.getHandler(), context.getClass());
    if (!realms) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = request.user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    if (!realms.includes(user.realm)) {
      throw new AuthError(AuthErrorCode.RealmNotAllowed, { allowedRealms: realms });
    }
    if (this.audit) this.audit.accepted('authorization', request);
    else publishAccepted('authorization');
    return true;
  }
}
