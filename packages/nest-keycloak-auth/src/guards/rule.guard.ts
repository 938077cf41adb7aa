import { Inject, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditTrail, type CheckedRules } from '../audit/audit-trail.js';
import { authRequestOf } from '../context/auth-request.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache, type RouteAuth } from '../metadata/route-auth.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { publishAccepted } from '../telemetry/auth-channels.js';

/** What {@link RuleGuard.check} finds: undefined when the rule holds, else the refusal. */
export type RuleVerdict = AuthError | undefined;

/**
 * Base of the rule guards (`@Roles`, `@Scopes`, `@Realms`, `@RequireOrganization`,
 * `@Permission`, `@OwnerOrRole`). A route without the guard's rule passes. With it, a request
 * without a verified principal is refused (fail closed: the rule guards run after
 * JwtAuthGuard), `check` decides, and an acceptance is audited once. Subclass one of the
 * guards and override a `protected` hook to change one step.
 */
export abstract class RuleGuard<
  TRule,
  TRequest extends AuthenticatedRequest = AuthenticatedRequest,
> implements CanActivate {
  private readonly routes: RouteAuthCache;

  /** @param audit records accepted decisions; without it they are only counted. */
  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Optional() @Inject(AuditTrail) protected readonly audit?: AuditTrail,
  ) {
    this.routes = RouteAuthCache.for(reflector);
  }

  /** Synchronous unless `check` returns a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.readRule(context);
    if (rule === undefined) return this.withoutRule(context);
    const request = authRequestOf<TRequest>(context);
    const principal = request?.user;
    if (request === undefined || !principal) throw new AuthError(AuthErrorCode.MissingToken);
    const verdict = this.check(principal, rule, request);
    if (verdict instanceof Promise) {
      return verdict.then((found) => this.conclude(found, rule, request));
    }
    return this.conclude(verdict, rule, request);
  }

  /** What the route demands, handler metadata first (the one reader, shared by every guard). */
  protected routeOf(context: ExecutionContext): RouteAuth {
    return this.routes.get(context.getHandler(), context.getClass());
  }

  /** Extension point: this guard's rule on the route; undefined when it has none. */
  protected abstract readRule(context: ExecutionContext): TRule | undefined;

  /**
   * Extension point: whether `principal` meets `rule`. Returns (or resolves to) undefined to
   * accept, else the AuthError to refuse with.
   */
  protected abstract check(
    principal: AuthPrincipal,
    rule: TRule,
    request: TRequest,
  ): RuleVerdict | Promise<RuleVerdict>;

  /** Extension point: the answer on a route without this guard's rule (let it through). */
  protected withoutRule(_context: ExecutionContext): boolean {
    return true;
  }

  /** Extension point: what the audit entry of an accepted request lists of the rule. */
  protected checked(_rule: TRule): CheckedRules {
    return {};
  }

  /**
   * Extension point: refuses the request by throwing `refusal`, which AuthErrorFilter answers.
   * An override may throw another exception (say, a 404 that hides the resource).
   */
  protected refuse(refusal: AuthError, _request: TRequest): never {
    throw refusal;
  }

  private conclude(verdict: RuleVerdict, rule: TRule, request: TRequest): true {
    if (verdict) this.refuse(verdict, request);
    if (this.audit) this.audit.accepted('authorization', request, this.checked(rule));
    else publishAccepted('authorization');
    return true;
  }
}
