import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthPrincipal } from '../principal.js';
import { RuleGuard, type RuleVerdict } from './rule.guard.js';

/**
 * Enforces `@Realms`: the token's realm (`principal.realm`, fixed by its verified issuer) must
 * be one the route lists, else 403 `ERR_AUTH_REALM_NOT_ALLOWED`. Runs after the global guards;
 * without a principal it refuses (fail closed).
 */
@Injectable()
export class RealmsGuard extends RuleGuard<readonly string[]> {
  protected readRule(context: ExecutionContext): readonly string[] | undefined {
    return this.routeOf(context).realms;
  }

  protected check(user: AuthPrincipal, realms: readonly string[]): RuleVerdict {
    if (realms.includes(user.realm)) return undefined;
    return new AuthError(AuthErrorCode.RealmNotAllowed, { allowedRealms: realms });
  }
}
