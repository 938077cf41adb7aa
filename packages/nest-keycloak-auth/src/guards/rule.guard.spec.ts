import { jest } from '@jest/globals';
import { Injectable, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { Realms } from '../decorators/realms.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthenticatedRequest } from '../principal.js';
import { createHttpContext } from '../testing/execution-context.js';
import { testPrincipal } from '../testing/test-principal.js';
import { RealmsGuard } from './realms.guard.js';

class PartnersController {
  open(): void {}
  @Realms('partners')
  partnersOnly(): void {}
}

/** A team's subclass: a token of another realm is told the route does not exist. */
@Injectable()
class HidingRealmsGuard extends RealmsGuard {
  protected override refuse(): never {
    throw new NotFoundException();
  }
}

const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'api',
  auditAccepted: true,
});

const contextOf = (handler: () => void, request: AuthenticatedRequest): ExecutionContext =>
  createHttpContext({ controller: PartnersController, handler, request });

describe('RuleGuard', () => {
  it('lets a subclass answer a refusal its own way (refuse hook)', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [HidingRealmsGuard] }).compile();
    const guard = moduleRef.get(HidingRealmsGuard);
    const demo = { user: testPrincipal({ realm: 'demo' }) };
    const partners = { user: testPrincipal({ realm: 'partners' }) };
    const onlyPartners = PartnersController.prototype.partnersOnly;
    expect(() => guard.canActivate(contextOf(onlyPartners, demo))).toThrow(NotFoundException);
    expect(guard.canActivate(contextOf(onlyPartners, partners))).toBe(true);
  });

  it('refuses a route with a rule but no principal before checking it (fail closed)', () => {
    const guard = new RealmsGuard(new Reflector());
    const run = () => guard.canActivate(contextOf(PartnersController.prototype.partnersOnly, {}));
    expect(run).toThrow(expect.objectContaining({ code: AuthErrorCode.MissingToken }) as AuthError);
  });

  it('refuses a context it cannot read a request from, even with a principal on its arguments', () => {
    const guard = new RealmsGuard(new Reflector());
    const request = { user: testPrincipal({ realm: 'partners' }) };
    const context = createHttpContext({
      controller: PartnersController,
      handler: PartnersController.prototype.partnersOnly,
      request,
      type: 'rpc',
    });
    expect(() => guard.canActivate(context)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MissingToken }) as AuthError,
    );
  });

  it('audits an accepted request once, and a route without the rule not at all', () => {
    const audit = new AuditTrail(settings);
    const accepted = jest.spyOn(audit, 'accepted').mockImplementation(() => undefined);
    const guard = new RealmsGuard(new Reflector(), audit);
    const request = { user: testPrincipal({ realm: 'partners' }) };
    expect(guard.canActivate(contextOf(PartnersController.prototype.partnersOnly, request))).toBe(
      true,
    );
    expect(guard.canActivate(contextOf(PartnersController.prototype.open, request))).toBe(true);
    expect(accepted.mock.calls).toEqual([['authorization', request, {}]]);
  });
});
