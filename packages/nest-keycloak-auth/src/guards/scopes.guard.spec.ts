import { Test } from '@nestjs/testing';
import { createHttpContext } from '../testing/execution-context.js';
import { AnyScope } from '../decorators/any-scope.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal, type AuthenticatedRequest } from '../principal.js';
import { ScopesGuard } from './scopes.guard.js';

class PlainController {
  open(): void {}
  @Scopes('items:read', 'items:write')
  allOf(): void {}
  @AnyScope('items:read', 'admin')
  anyOf(): void {}
  @Roles('api-admin')
  rolesOnly(): void {}
}

@Scopes('admin')
class AdminController {
  inherited(): void {}
  @AnyScope('audit')
  audited(): void {}
  @Public()
  open(): void {}
}

/** A principal whose token carried `scope`. */
const holding = (scope: string) =>
  toPrincipal({ sub: 'user-1', exp: 2_000_000_000, scope }, 'nest-api');

describe('ScopesGuard', () => {
  let guard: ScopesGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [ScopesGuard] }).compile();
    guard = moduleRef.get(ScopesGuard);
  });

  function check(
    controller: new () => object,
    handler: () => void,
    scope?: string,
  ): boolean | Promise<boolean> {
    const request: AuthenticatedRequest = {
      user: scope === undefined ? undefined : holding(scope),
    };
    return guard.canActivate(createHttpContext({ controller, handler, request }));
  }

  function refusal(run: () => unknown): AuthError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError);
      return error as AuthError;
    }
    throw new Error('expected an AuthError, but the guard let the request through');
  }

  it('lets a route without scope metadata through, even without a user (roles are not its job)', () => {
    expect(check(PlainController, PlainController.prototype.open)).toBe(true);
    expect(check(PlainController, PlainController.prototype.rolesOnly)).toBe(true);
  });

  describe('@Scopes (all of)', () => {
    it('passes when the scope claim holds every scope, in any order, among others', () => {
      expect(
        check(PlainController, PlainController.prototype.allOf, 'profile items:write items:read'),
      ).toBe(true);
    });

    it.each([['items:read'], ['items:write email'], [''], ['items:readitems:write']])(
      'refuses scope %p, naming both required scopes',
      (scope) => {
        const error = refusal(() => check(PlainController, PlainController.prototype.allOf, scope));
        expect(error.code).toBe(AuthErrorCode.InsufficientScope);
        expect(error.details.requiredScopes).toEqual(['items:read', 'items:write']);
      },
    );
  });

  describe('@AnyScope (any of)', () => {
    it.each([['items:read'], ['admin profile']])('passes with %p', (scope) => {
      expect(check(PlainController, PlainController.prototype.anyOf, scope)).toBe(true);
    });

    it('refuses a token with none of them', () => {
      const error = refusal(() =>
        check(PlainController, PlainController.prototype.anyOf, 'profile email'),
      );
      expect(error.code).toBe(AuthErrorCode.InsufficientScope);
      expect(error.details.requiredAnyScopes).toEqual(['items:read', 'admin']);
    });
  });

  describe('handler metadata over class metadata', () => {
    it("applies the controller's @Scopes to a handler without its own", () => {
      expect(check(AdminController, AdminController.prototype.inherited, 'admin')).toBe(true);
      expect(
        refusal(() => check(AdminController, AdminController.prototype.inherited, 'audit')).code,
      ).toBe(AuthErrorCode.InsufficientScope);
    });

    it("replaces the controller's scopes with the handler's", () => {
      expect(check(AdminController, AdminController.prototype.audited, 'audit')).toBe(true);
      expect(
        refusal(() => check(AdminController, AdminController.prototype.audited, 'admin')).code,
      ).toBe(AuthErrorCode.InsufficientScope);
    });

    it('lets a @Public() handler of a scoped controller through without a user', () => {
      expect(check(AdminController, AdminController.prototype.open)).toBe(true);
    });
  });

  it('refuses a scoped route reached without an authenticated user (fail closed)', () => {
    expect(refusal(() => check(PlainController, PlainController.prototype.allOf)).code).toBe(
      AuthErrorCode.MissingToken,
    );
  });
});
