import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditTrail, type CheckedRules } from '../audit/audit-trail.js';
import { PolicyDecisionClient } from '../authorization/policy-decision.client.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { boundKeyOf } from '../token/token-verifier.service.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/**
 * Enforces `@Permission`: asks Keycloak (through the caching PolicyDecisionClient) for each
 * listed permission, all at once; every one must be granted. A denial is 403
 * `insufficient_scope`; an unknown permission 403 (and an ERROR line: a misconfiguration);
 * Keycloak unreachable 503. Never grants on doubt, and never without a verified token.
 */
@Injectable()
export class PermissionGuard extends RuleGuard<readonly string[]> {
  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(PolicyDecisionClient) private readonly decisions: PolicyDecisionClient,
    @Optional() @Inject(AuditTrail) audit?: AuditTrail,
  ) {
    super(reflector, audit);
  }

  /** Always a promise, refusals included: the decision is Keycloak's. */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return super.canActivate(context);
  }

  protected readRule(context: ExecutionContext): readonly string[] | undefined {
    const { permissions } = this.routeOf(context);
    return permissions?.length ? permissions : undefined;
  }

  protected async check(
    user: AuthPrincipal,
    permissions: readonly string[],
    { accessToken }: AuthenticatedRequest,
  ): Promise<RuleVerdict> {
    if (!accessToken) return new AuthError(AuthErrorCode.MissingToken);
    // Keycloak's decision endpoint refuses DPoP-bound tokens (400/401): say so, never ask.
    if (boundKeyOf(user) !== undefined) return new AuthError(AuthErrorCode.PermissionNeedsBearer);
    const decisions = await Promise.all(
      permissions.map((permission) =>
        this.decisions.decide(accessToken, permission, user.exp, user.realm),
      ),
    );
    const denied = permissions.filter((_, i) => decisions[i] !== 'granted');
    if (denied.length === 0) return undefined;
    return new AuthError(AuthErrorCode.PermissionDenied, { permissions: denied });
  }

  protected override checked(permissions: readonly string[]): CheckedRules {
    return { permissions };
  }
}
