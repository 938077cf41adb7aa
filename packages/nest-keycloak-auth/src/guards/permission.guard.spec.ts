import { jest } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import {
  PolicyDecisionClient,
  type PolicyDecision,
} from '../authorization/policy-decision.client.js';
import { Permission } from '../decorators/permission.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal, type AuthenticatedRequest } from '../principal.js';
import { createHttpContext } from '../testing/execution-context.js';
import { PermissionGuard } from './permission.guard.js';

class ItemsController {
  open(): void {}
  @Permission('items#view', 'items#delete')
  remove(): void {}
}

class Decisions extends PolicyDecisionClient {
  readonly granted = new Set<string>();
  readonly asked = jest.fn<(permission: string) => void>();
  decide(_token: string, permission: string): Promise<PolicyDecision> {
    this.asked(permission);
    return Promise.resolve(this.granted.has(permission) ? 'granted' : 'denied');
  }
}

describe('PermissionGuard', () => {
  let decisions: Decisions;
  let guard: PermissionGuard;
  const alice = toPrincipal({ sub: 'alice', exp: 2_000_000_000 }, 'nest-api');

  beforeEach(() => {
    decisions = new Decisions();
    guard = new PermissionGuard(new Reflector(), decisions);
  });

  const check = (handler: () => void, request: AuthenticatedRequest) =>
    guard.canActivate(createHttpContext({ controller: ItemsController, handler, request }));

  it('asks nothing on a route without @Permission', async () => {
    await expect(check(ItemsController.prototype.open, {})).resolves.toBe(true);
    expect(decisions.asked).not.toHaveBeenCalled();
  });

  it('passes when Keycloak grants every listed permission', async () => {
    decisions.granted.add('items#view').add('items#delete');
    const request = { user: alice, accessToken: 'token' };
    await expect(check(ItemsController.prototype.remove, request)).resolves.toBe(true);
    expect(decisions.asked.mock.calls.map(([permission]) => permission)).toEqual([
      'items#view',
      'items#delete',
    ]);
  });

  it('refuses with PermissionDenied naming what Keycloak denied', async () => {
    decisions.granted.add('items#view');
    const request = { user: alice, accessToken: 'token' };
    const refusal = check(ItemsController.prototype.remove, request);
    await expect(refusal).rejects.toBeInstanceOf(AuthError);
    await expect(refusal).rejects.toMatchObject({
      code: AuthErrorCode.PermissionDenied,
      details: { permissions: ['items#delete'] },
    });
  });

  it('refuses without a verified token, asking nothing (fail closed)', async () => {
    await expect(check(ItemsController.prototype.remove, { user: alice })).rejects.toMatchObject({
      code: AuthErrorCode.MissingToken,
    });
    expect(decisions.asked).not.toHaveBeenCalled();
  });
});
