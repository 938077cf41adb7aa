import { Test } from '@nestjs/testing';
import { createHttpContext } from '../testing/execution-context.js';
import { RequireOrganization } from '../decorators/require-organization.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal } from '../principal.js';
import { OrganizationGuard, type OrganizationRequest } from './organization.guard.js';

class OrgController {
  open(): void {}
  @RequireOrganization({ param: 'org' })
  byParam(): void {}
  @RequireOrganization({ header: 'X-Organization' })
  byHeader(): void {}
}

@RequireOrganization({ header: 'X-Tenant' })
class TenantController {
  inherited(): void {}
  @RequireOrganization({ param: 'org' })
  own(): void {}
}

const member = (organization: unknown) =>
  toPrincipal({ sub: 'alice', exp: 2_000_000_000, organization }, 'nest-api');

describe('OrganizationGuard', () => {
  let guard: OrganizationGuard;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ providers: [OrganizationGuard] }).compile();
    guard = moduleRef.get(OrganizationGuard);
  });

  function check(
    controller: new () => object,
    handler: () => void,
    request: OrganizationRequest,
  ): boolean | Promise<boolean> {
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

  it('lets a route without the rule through untouched', () => {
    expect(check(OrgController, OrgController.prototype.open, {})).toBe(true);
  });

  it('passes a member of the organization the path names, and hands it over', () => {
    const request: OrganizationRequest = {
      user: member({ acme: { id: 'id-1', tier: ['gold'] } }),
      params: { org: 'acme' },
    };
    expect(check(OrgController, OrgController.prototype.byParam, request)).toBe(true);
    expect(request.organization).toEqual({
      alias: 'acme',
      id: 'id-1',
      attributes: { tier: ['gold'] },
    });
  });

  it('refuses a member of other organizations with 403 NotOrganizationMember', () => {
    const request = { user: member(['globex']), params: { org: 'acme' } };
    const error = refusal(() => check(OrgController, OrgController.prototype.byParam, request));
    expect(error.code).toBe(AuthErrorCode.NotOrganizationMember);
    expect(request).not.toHaveProperty('organization');
  });

  it('compares aliases exactly: no prefix, no case folding', () => {
    for (const org of ['acm', 'ACME', 'acme ']) {
      const request = { user: member(['acme']), params: { org } };
      expect(
        refusal(() => check(OrgController, OrgController.prototype.byParam, request)).code,
      ).toBe(AuthErrorCode.NotOrganizationMember);
    }
  });

  it('reads a header by its name in any case, and refuses one sent twice', () => {
    const user = member(['acme']);
    const ok = { user, headers: { 'x-organization': 'acme' } };
    expect(check(OrgController, OrgController.prototype.byHeader, ok)).toBe(true);
    const twice = { user, headers: { 'x-organization': ['acme', 'acme'] } };
    const error = refusal(() => check(OrgController, OrgController.prototype.byHeader, twice));
    expect(error.code).toBe(AuthErrorCode.OrganizationMissing);
  });

  it('answers a request that names no organization with OrganizationMissing (400)', () => {
    const error = refusal(() =>
      check(OrgController, OrgController.prototype.byHeader, {
        user: member(['acme']),
        headers: {},
      }),
    );
    expect(error.code).toBe(AuthErrorCode.OrganizationMissing);
    expect(error.details.organizationSource).toEqual({ header: 'X-Organization' });
  });

  it("applies the controller's rule, and lets a handler's replace it", () => {
    const user = member(['acme']);
    expect(
      check(TenantController, TenantController.prototype.inherited, {
        user,
        headers: { 'x-tenant': 'acme' },
      }),
    ).toBe(true);
    expect(
      check(TenantController, TenantController.prototype.own, { user, params: { org: 'acme' } }),
    ).toBe(true);
  });

  it('refuses without an authenticated user (fail closed)', () => {
    const error = refusal(() =>
      check(OrgController, OrgController.prototype.byParam, { params: { org: 'acme' } }),
    );
    expect(error.code).toBe(AuthErrorCode.MissingToken);
  });
});
