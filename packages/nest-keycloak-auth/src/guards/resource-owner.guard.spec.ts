import { Injectable, NotFoundException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OwnerOrRole } from '../decorators/owner-or-role.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toHttpResponse } from '../filters/auth-error.mapping.js';
import type { OwnedResourceRequest } from '../ownership/resource-owner-lookup.js';
import { createHttpContext } from '../testing/execution-context.js';
import { testPrincipal } from '../testing/test-principal.js';
import { ResourceOwnerGuard } from './resource-owner.guard.js';

/** Owners by id; counts its calls so a test can tell whether the guard looked. */
@Injectable()
class DocOwner {
  calls = 0;
  readonly owners: Record<string, string> = { '1': 'owner-sub' };
  ownerOf(request: OwnedResourceRequest): string {
    this.calls++;
    const owner = this.owners[request.params.id ?? ''];
    if (!owner) throw new NotFoundException('Doc not found');
    return owner;
  }
}

class DocsController {
  @OwnerOrRole(DocOwner, 'doc-admin', 'doc-auditor')
  edit(): void {}
  plain(): void {}
}

@OwnerOrRole(DocOwner)
class OwnedController {
  inherited(): void {}
  @Public()
  open(): void {}
}

describe('ResourceOwnerGuard (@OwnerOrRole)', () => {
  let guard: ResourceOwnerGuard;
  let lookup: DocOwner;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [ResourceOwnerGuard, DocOwner],
    }).compile();
    guard = moduleRef.get(ResourceOwnerGuard);
    lookup = moduleRef.get(DocOwner);
  });

  function check(
    handler: (...args: never[]) => unknown,
    controller: new () => object,
    user: ReturnType<typeof testPrincipal> | undefined,
    id = '1',
  ) {
    const request = { headers: {}, params: { id }, user };
    return guard.canActivate(createHttpContext({ handler, controller, request }));
  }

  it('lets the owner through', async () => {
    await expect(
      check(DocsController.prototype.edit, DocsController, testPrincipal({ sub: 'owner-sub' })),
    ).resolves.toBe(true);
    expect(lookup.calls).toBe(1);
  });

  it('refuses anyone else with NotOwner, a 403 naming the roles that would do', async () => {
    const refusal = check(
      DocsController.prototype.edit,
      DocsController,
      testPrincipal({ sub: 'someone-else' }),
    );
    await expect(refusal).rejects.toMatchObject({ code: AuthErrorCode.NotOwner });
    const error = (await refusal.catch((e: unknown) => e)) as AuthError;
    expect(toHttpResponse(error)).toEqual({
      status: 403,
      message: 'Only the owner or a holder of doc-admin or doc-auditor may do this',
      bearerError: 'insufficient_scope',
    });
  });

  it.each([
    ['a client role', { clientRoles: ['doc-auditor'] }],
    ['a realm role', { roles: ['doc-admin'] }],
  ])('lets a holder of one of the roles (%s) through without a lookup', async (_label, roles) => {
    await expect(
      check(DocsController.prototype.edit, DocsController, testPrincipal({ sub: 'x', ...roles })),
    ).resolves.toBe(true);
    expect(lookup.calls).toBe(0);
  });

  it("passes on the lookup's own not-found exception", async () => {
    await expect(
      check(
        DocsController.prototype.edit,
        DocsController,
        testPrincipal({ sub: 'owner-sub' }),
        '2',
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('applies a controller rule to its handlers; with no roles only the owner passes', async () => {
    const principal = testPrincipal({ sub: 'x', roles: ['doc-admin'] });
    await expect(
      check(OwnedController.prototype.inherited, OwnedController, principal),
    ).rejects.toBeInstanceOf(AuthError);
    await expect(
      check(
        OwnedController.prototype.inherited,
        OwnedController,
        testPrincipal({ sub: 'owner-sub' }),
      ),
    ).resolves.toBe(true);
  });

  it('does nothing on a route without the rule, or a public one', async () => {
    await expect(check(DocsController.prototype.plain, DocsController, undefined)).resolves.toBe(
      true,
    );
    await expect(check(OwnedController.prototype.open, OwnedController, undefined)).resolves.toBe(
      true,
    );
    expect(lookup.calls).toBe(0);
  });

  it('refuses a rule-bearing route without a principal as a missing token', async () => {
    await expect(
      check(DocsController.prototype.edit, DocsController, undefined),
    ).rejects.toMatchObject({ code: AuthErrorCode.MissingToken });
  });
});
