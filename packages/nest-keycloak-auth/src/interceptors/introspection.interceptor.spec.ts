import { jest } from '@jest/globals';
import type { CallHandler } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { defer, lastValueFrom, of, type Observable } from 'rxjs';
import { createHttpContext } from '../testing/execution-context.js';
import { RequireActiveToken } from '../decorators/require-active-token.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import { toPrincipal, type AuthenticatedRequest } from '../principal.js';
import { IntrospectionInterceptor } from './introspection.interceptor.js';

class ItemsController {
  list(): void {}
  @RequireActiveToken()
  remove(): void {}
}

@RequireActiveToken()
class SensitiveController {
  list(): void {}
}

const TOKEN = 'verified.access.token';
const EXP = 2_000_000_000;
const user = toPrincipal({ sub: 'user-1', exp: EXP }, 'nest-api', undefined, 'partners');

describe('IntrospectionInterceptor', () => {
  let interceptor: IntrospectionInterceptor;
  const isActive = jest.fn<IntrospectionClient['isActive']>();
  const handle = jest.fn<() => Observable<unknown>>();
  const next: CallHandler = { handle };

  beforeEach(async () => {
    isActive.mockReset();
    handle.mockReset();
    handle.mockReturnValue(of('handler result'));
    const moduleRef = await Test.createTestingModule({
      providers: [
        IntrospectionInterceptor,
        { provide: IntrospectionClient, useValue: { isActive } },
      ],
    }).compile();
    interceptor = moduleRef.get(IntrospectionInterceptor);
  });

  /** Runs the interceptor like Nest does: a synchronous throw becomes an error of the stream. */
  function run(
    handler: () => void,
    controller: new () => object = ItemsController,
    request: AuthenticatedRequest = { accessToken: TOKEN, user },
  ): Promise<unknown> {
    const context = createHttpContext({ handler, controller, request });
    return lastValueFrom(defer(() => interceptor.intercept(context, next)));
  }

  it('runs the handler without introspection on a route without @RequireActiveToken', async () => {
    await expect(run(ItemsController.prototype.list)).resolves.toBe('handler result');
    expect(isActive).not.toHaveBeenCalled();
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a @RequireActiveToken() handler', ItemsController.prototype.remove, ItemsController],
    [
      'a handler of a @RequireActiveToken() controller',
      SensitiveController.prototype.list,
      SensitiveController,
    ],
  ])('runs %s once when the token is active', async (_label, handler, controller) => {
    isActive.mockResolvedValue(true);
    await expect(run(handler, controller)).resolves.toBe('handler result');
    expect(isActive).toHaveBeenCalledTimes(1);
    expect(isActive).toHaveBeenCalledWith(TOKEN, EXP, user.realm);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('passes an undefined exp when the request carries a token but no principal', async () => {
    isActive.mockResolvedValue(true);
    await run(ItemsController.prototype.remove, ItemsController, { accessToken: TOKEN });
    expect(isActive).toHaveBeenCalledWith(TOKEN, undefined, undefined);
  });

  it('asks once per request when registered twice (app-wide and by the decorator)', async () => {
    isActive.mockResolvedValue(true);
    const request: AuthenticatedRequest = { accessToken: TOKEN, user };
    const context = createHttpContext({
      handler: ItemsController.prototype.remove,
      controller: ItemsController,
      request,
    });
    const inner: CallHandler = { handle: () => defer(() => interceptor.intercept(context, next)) };
    await expect(lastValueFrom(defer(() => interceptor.intercept(context, inner)))).resolves.toBe(
      'handler result',
    );
    expect(isActive).toHaveBeenCalledTimes(1);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('refuses an inactive token with Inactive and never runs the handler', async () => {
    isActive.mockResolvedValue(false);
    const outcome = run(ItemsController.prototype.remove);
    await expect(outcome).rejects.toBeInstanceOf(AuthError);
    await expect(outcome).rejects.toMatchObject({ code: AuthErrorCode.Inactive });
    expect(handle).not.toHaveBeenCalled();
  });

  it('propagates IntrospectionUnavailable and never runs the handler', async () => {
    const unavailable = new AuthError(AuthErrorCode.IntrospectionUnavailable);
    isActive.mockRejectedValue(unavailable);
    await expect(run(ItemsController.prototype.remove)).rejects.toBe(unavailable);
    expect(handle).not.toHaveBeenCalled();
  });

  it.each<[string, AuthenticatedRequest]>([
    ['no accessToken', { user }],
    ['an empty accessToken', { accessToken: '', user }],
  ])('refuses a request with %s as MissingToken without asking Keycloak', async (_l, request) => {
    await expect(
      run(ItemsController.prototype.remove, ItemsController, request),
    ).rejects.toMatchObject({ code: AuthErrorCode.MissingToken });
    expect(isActive).not.toHaveBeenCalled();
    expect(handle).not.toHaveBeenCalled();
  });
});
