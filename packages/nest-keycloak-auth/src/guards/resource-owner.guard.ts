import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuditTrail, type CheckedRules } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { OwnerRule } from '../metadata/route-rules.js';
import type { OwnedResourceRequest } from '../ownership/resource-owner-lookup.js';
import type { AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/**
 * Enforces `@OwnerOrRole`. It runs after the global guards, so the principal is there and the
 * route's `@Roles`/`@AnyRole` already hold. A holder of one of the rule's roles passes without
 * a lookup; anyone else must be the resource's owner.
 */
@Injectable()
export class ResourceOwnerGuard extends RuleGuard<OwnerRule, OwnedResourceRequest> {
  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() @Inject(AuditTrail) audit?: AuditTrail,
  ) {
    super(reflector, audit);
  }

  /** Always a promise, refusals included: the lookup may be asynchronous. */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return super.canActivate(context);
  }

  protected readRule(context: ExecutionContext): OwnerRule | undefined {
    return this.routeOf(context).owner;
  }

  protected async check(
    user: AuthPrincipal,
    rule: OwnerRule,
    request: OwnedResourceRequest,
  ): Promise<RuleVerdict> {
    if (rule.roles.some((role) => user.roles.has(role))) return undefined;
    const lookup = this.moduleRef.get(rule.lookup, { strict: false });
    if ((await lookup.ownerOf(request)) === user.sub) return undefined;
    return new AuthError(AuthErrorCode.NotOwner, { ownerBypassRoles: rule.roles });
  }

  protected override checked(rule: OwnerRule): CheckedRules {
    return { rolesAnyOf: rule.roles };
  }
}
