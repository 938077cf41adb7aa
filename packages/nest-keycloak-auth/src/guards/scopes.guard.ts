import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { CheckedRules } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/** The scopes a route demands: `@Scopes` (all of them) and `@AnyScope` (one of them). */
export interface ScopeRule {
  readonly all?: readonly string[];
  readonly any?: readonly string[];
}

/**
 * Enforces `@Scopes` (all of) and `@AnyScope` (any of) against the token's `scope` claim.
 * Handler metadata replaces the controller's, as for roles; a route with scope metadata but no
 * authenticated user is refused. A miss is a 403 `insufficient_scope` naming the scopes.
 */
@Injectable()
export class ScopesGuard extends RuleGuard<ScopeRule> {
  protected readRule(context: ExecutionContext): ScopeRule | undefined {
    const { allScopes, anyScopes } = this.routeOf(context);
    return allScopes || anyScopes ? { all: allScopes, any: anyScopes } : undefined;
  }

  protected check(user: AuthPrincipal, { all, any }: ScopeRule): RuleVerdict {
    const held = user.scopes;
    if (all && !all.every((scope) => held.includes(scope))) {
      return new AuthError(AuthErrorCode.InsufficientScope, { requiredScopes: all });
    }
    if (any && !any.some((scope) => held.includes(scope))) {
      return new AuthError(AuthErrorCode.InsufficientScope, { requiredAnyScopes: any });
    }
    return undefined;
  }

  protected override checked({ all, any }: ScopeRule): CheckedRules {
    return { scopesRequired: all, scopesAnyOf: any };
  }
}
