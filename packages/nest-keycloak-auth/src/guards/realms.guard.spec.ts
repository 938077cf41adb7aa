import { Test } from '@nestjs/testing';
import { Realms } from '../decorators/realms.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthenticatedRequest } from '../principal.js';
import { createHttpContext } from '../testing/execution-context.js';
import { testPrincipal } from '../testing/test-principal.js';
import { RealmsGuard } from './realms.guard.js';

class OpenController {
  any(): void {}
  @Realms('partners')
  partnersOnly(): void {}
  @Realms('demo', 'partners')
  both(): void {}
}

@Realms('partners')
class PartnersController {
  inherited(): void {}
  @Realms('demo')
  own(): void {}
}

const of = (realm: string): AuthenticatedRequest => ({ user: testPrincipal({ realm }) });

describe('RealmsGuard', () => {
  let guard: RealmsGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [RealmsGuard] }).compile();
    guard = moduleRef.get(RealmsGuard);
  });

  const check = (controller: new () => object, handler: () => void, request: object) =>
    guard.canActivate(createHttpContext({ controller, handler, request }));

  function refusal(run: () => unknown): AuthError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError);
      return error as AuthError;
    }
    throw new Error('expected an AuthError, but the guard let the request through');
  }

  it('lets a route without @Realms through, whatever the realm', () => {
    expect(check(OpenController, OpenController.prototype.any, of('demo'))).toBe(true);
    expect(check(OpenController, OpenController.prototype.any, {})).toBe(true);
  });

  it.each([
    ['partners', OpenController.prototype.partnersOnly, OpenController],
    ['demo', OpenController.prototype.both, OpenController],
    ['partners', OpenController.prototype.both, OpenController],
    ['partners', PartnersController.prototype.inherited, PartnersController],
    ['demo', PartnersController.prototype.own, PartnersController],
  ] as const)('passes a %s token on a route listing its realm', (realm, handler, controller) => {
    expect(check(controller, handler, of(realm))).toBe(true);
  });

  it.each([
    ['demo', OpenController.prototype.partnersOnly, OpenController],
    ['demo', PartnersController.prototype.inherited, PartnersController],
    // The handler's list replaces the controller's: partners is not on it.
    ['partners', PartnersController.prototype.own, PartnersController],
  ] as const)('refuses a %s token elsewhere with RealmNotAllowed', (realm, handler, controller) => {
    const error = refusal(() => check(controller, handler, of(realm)));
    expect(error.code).toBe(AuthErrorCode.RealmNotAllowed);
  });

  it('refuses a principal built without a realm (fail closed)', () => {
    const request = { user: testPrincipal({ realm: '' }) };
    const error = refusal(() => check(OpenController, OpenController.prototype.both, request));
    expect(error.code).toBe(AuthErrorCode.RealmNotAllowed);
  });

  it('refuses a request without a principal as MissingToken', () => {
    const error = refusal(() => check(OpenController, OpenController.prototype.partnersOnly, {}));
    expect(error.code).toBe(AuthErrorCode.MissingToken);
  });
});
