import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditTrail } from '../audit/audit-trail.js';
import { PolicyDecisionClient } from '../authorization/policy-decision.client.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { AuthenticatedRequest } from '../principal.js';
import { publishAccepted } from '../telemetry/auth-channels.js';

/**
 * Enforces `@Permission`: asks Keycloak (through the caching PolicyDecisionClient) for each
 * listed permission, all at once; every one must be granted. A denial is 403
 * `insufficient_scope`; an unknown permission 403 (and an ERROR line: a misconfiguration);
 * Keycloak unreachable 503. Never grants on doubt, and never without a verified token.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(PolicyDecisionClient) private readonly decisions: PolicyDecisionClient,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { permissions } = this.routes.get(context.getHandler(), context.getClass());
    if (!permissions || permissions.length === 0) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const { user, accessToken } = request;
    if (!user || !accessToken) throw new AuthError(AuthErrorCode.MissingToken);
    const decisions = await Promise.all(
      permissions.map((permission) =>
        this.decisions.decide(accessToken, permission, user.exp, user.realm),
      ),
    );
    const denied = permissions.filter((_, i) => decisions[i] !== 'granted');
    if (denied.length > 0) {
      throw new AuthError(AuthErrorCode.PermissionDenied, { permissions: denied });
    }
    if (this.audit) this.audit.accepted('authorization', request, { permissions });
    else publishAccepted('authorization');
    return true;
  }
}
