import { Test } from '@nestjs/testing';
import type { JWTPayload } from 'jose';
import { createHttpContext } from '../testing/execution-context.js';
import { AnyRole } from '../decorators/any-role.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal, type AuthenticatedRequest, type AuthPrincipal } from '../principal.js';
import { RolesGuard } from './roles.guard.js';

const CLIENT_ID = 'nest-api';

class PlainController {
  open(): void {}
  @Roles('api-read', 'api-write')
  allOf(): void {}
  @AnyRole('api-read', 'api-admin')
  anyOf(): void {}
  @Roles('realm-role', 'client-role')
  mixed(): void {}
  @Roles('api-write')
  @AnyRole('api-read', 'api-admin')
  both(): void {}
}

@Roles('admin')
class AdminController {
  inherited(): void {}
  @AnyRole('read')
  readable(): void {}
  @Public()
  open(): void {}
}

@AnyRole('a', 'b')
class AnyOfController {
  inherited(): void {}
  @Roles('x')
  strict(): void {}
}

function user(realmRoles: string[], clientRoles: string[] = [], otherClientRoles: string[] = []) {
  const claims: JWTPayload = {
    sub: 'user-1',
    exp: 2_000_000_000,
    realm_access: { roles: realmRoles },
    resource_access: {
      [CLIENT_ID]: { roles: clientRoles },
      'other-client': { roles: otherClientRoles },
    },
  };
  return toPrincipal(claims, CLIENT_ID);
}

describe('RolesGuard', () => {
  let guard: RolesGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [RolesGuard] }).compile();
    guard = moduleRef.get(RolesGuard);
  });

  function check(
    controller: new () => object,
    handler: () => void,
    principal?: AuthPrincipal,
  ): boolean | Promise<boolean> {
    const request: AuthenticatedRequest = { user: principal };
    return guard.canActivate(createHttpContext({ controller, handler, request }));
  }

  /** The AuthError thrown by `run`; fails the test when nothing or something else is thrown. */
  function refusal(run: () => unknown): AuthError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError);
      return error as AuthError;
    }
    throw new Error('expected an AuthError, but the guard let the request through');
  }

  it('lets a route without role metadata through, even without a user', () => {
    expect(check(PlainController, PlainController.prototype.open)).toBe(true);
  });

  describe('@Roles (all of)', () => {
    it('passes when the user holds every role', () => {
      expect(
        check(PlainController, PlainController.prototype.allOf, user(['api-read', 'api-write'])),
      ).toBe(true);
    });

    it.each([
      [['api-read'], ['api-write']],
      [['api-write'], ['api-read']],
      [[], ['api-read', 'api-write']],
      [['api-admin'], ['api-read', 'api-write']],
    ])('refuses a user with %j, listing exactly %j as missing', (held, missing) => {
      const error = refusal(() =>
        check(PlainController, PlainController.prototype.allOf, user(held)),
      );
      expect(error.code).toBe(AuthErrorCode.InsufficientRoles);
      expect(error.details.missingRoles).toEqual(missing);
    });
  });

  describe('@AnyRole (any of)', () => {
    it.each([['api-read'], ['api-admin']])('passes when the user holds %p', (role) => {
      expect(check(PlainController, PlainController.prototype.anyOf, user([role]))).toBe(true);
    });

    it('refuses a user with none of the roles, without a missingRoles list', () => {
      const error = refusal(() =>
        check(PlainController, PlainController.prototype.anyOf, user(['api-write'])),
      );
      expect(error.code).toBe(AuthErrorCode.InsufficientRoles);
      expect(error.details.missingRoles).toBeUndefined();
    });
  });

  describe('realm and client roles', () => {
    it('counts the union of realm roles and this API client roles', () => {
      expect(
        check(
          PlainController,
          PlainController.prototype.mixed,
          user(['realm-role'], ['client-role']),
        ),
      ).toBe(true);
    });

    it('does not count roles of another client', () => {
      const error = refusal(() =>
        check(
          PlainController,
          PlainController.prototype.mixed,
          user(['realm-role'], [], ['client-role']),
        ),
      );
      expect(error.details.missingRoles).toEqual(['client-role']);
    });
  });

  it('enforces @Roles and @AnyRole together when a handler has both', () => {
    const handler = PlainController.prototype.both;
    expect(check(PlainController, handler, user(['api-write', 'api-admin']))).toBe(true);
    expect(refusal(() => check(PlainController, handler, user(['api-write']))).code).toBe(
      AuthErrorCode.InsufficientRoles,
    );
    expect(
      refusal(() => check(PlainController, handler, user(['api-read']))).details.missingRoles,
    ).toEqual(['api-write']);
  });

  describe('controller metadata', () => {
    it('applies class @Roles to a handler without metadata', () => {
      expect(check(AdminController, AdminController.prototype.inherited, user(['admin']))).toBe(
        true,
      );
      const error = refusal(() =>
        check(AdminController, AdminController.prototype.inherited, user(['read'])),
      );
      expect(error.details.missingRoles).toEqual(['admin']);
    });

    it('lets handler @AnyRole replace class @Roles: a user with only "read" passes', () => {
      expect(check(AdminController, AdminController.prototype.readable, user(['read']))).toBe(true);
    });

    it('enforces the replacing handler metadata: a user with only the class role is refused', () => {
      const error = refusal(() =>
        check(AdminController, AdminController.prototype.readable, user(['admin'])),
      );
      expect(error.code).toBe(AuthErrorCode.InsufficientRoles);
    });

    it('lets handler @Roles replace class @AnyRole', () => {
      expect(check(AnyOfController, AnyOfController.prototype.strict, user(['x']))).toBe(true);
      const error = refusal(() =>
        check(AnyOfController, AnyOfController.prototype.strict, user(['a', 'b'])),
      );
      expect(error.details.missingRoles).toEqual(['x']);
    });

    it('lets a handler @Public() replace class @Roles: no user needed', () => {
      expect(check(AdminController, AdminController.prototype.open)).toBe(true);
    });

    it('applies class @AnyRole to a handler without metadata', () => {
      expect(check(AnyOfController, AnyOfController.prototype.inherited, user(['b']))).toBe(true);
      expect(
        refusal(() => check(AnyOfController, AnyOfController.prototype.inherited, user(['x'])))
          .code,
      ).toBe(AuthErrorCode.InsufficientRoles);
    });
  });

  it.each([
    ['handler @Roles', PlainController, PlainController.prototype.allOf],
    ['handler @AnyRole', PlainController, PlainController.prototype.anyOf],
    ['class @Roles', AdminController, AdminController.prototype.inherited],
  ])('refuses a route with %s but no authenticated user as MissingToken', (_l, cls, handler) => {
    expect(refusal(() => check(cls, handler)).code).toBe(AuthErrorCode.MissingToken);
  });
});
