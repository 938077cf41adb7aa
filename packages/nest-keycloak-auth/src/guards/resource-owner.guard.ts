import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { publishAccepted } from '../telemetry/auth-channels.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { OwnedResourceRequest } from '../ownership/resource-owner-lookup.js';

/**
 * Enforces `@OwnerOrRole`: runs after JwtAuthGuard and RolesGuard (global guards run first),
 * so the principal is there and the route's roles already hold. A holder of one of the rule's
 * roles passes without a lookup; anyone else must be the resource's owner.
 */
@Injectable()
export class ResourceOwnerGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { owner: rule } = this.routes.get(context.getHandler(), context.getClass());
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<OwnedResourceRequest>();
    const user = request.user;
    if (!user) throw new AuthError(AuthErrorCode.MissingToken);
    if (rule.roles.some((role) => user.roles.has(role))) return this.accept(request, rule.roles);
    const lookup = this.moduleRef.get(rule.lookup, { strict: false });
    if ((await lookup.ownerOf(request)) === user.sub) return this.accept(request, rule.roles);
    throw new AuthError(AuthErrorCode.NotOwner, { ownerBypassRoles: rule.roles });
  }

  private accept(request: OwnedResourceRequest, bypassRoles: readonly string[]): true {
    if (this.audit) this.audit.accepted('authorization', request, { rolesAnyOf: bypassRoles });
    else publishAccepted('authorization');
    return true;
  }
}
