import { jest } from '@jest/globals';
import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHttpContext } from '../testing/execution-context.js';
import { createWsContext } from '../testing/ws-context.js';
import { bindSocketRequest } from '../sockets/socket-request.js';
import { Public } from '../decorators/public.decorator.js';
import { IS_PUBLIC_KEY } from '../metadata/metadata-keys.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal, type AuthenticatedRequest } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { TokenVerifier } from '../token/token-verifier.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

class ProtectedController {
  list(): void {}
  @Public()
  health(): void {}
  @SetMetadata(IS_PUBLIC_KEY, false)
  explicitlyProtected(): void {}
}

@Public()
class PublicController {
  list(): void {}
  @SetMetadata(IS_PUBLIC_KEY, false)
  explicitlyProtected(): void {}
}

type TestRequest = AuthenticatedRequest & {
  headers: Record<string, string | string[] | undefined>;
};

const principal = toPrincipal(
  { sub: 'user-1', exp: 2_000_000_000, realm_access: { roles: ['api-read'] } },
  'nest-api',
);

describe('JwtAuthGuard', () => {
  let guard: JwtAuthGuard;
  const verify = jest.fn<TokenVerifier['check']>();

  beforeEach(async () => {
    verify.mockReset();
    verify.mockResolvedValue(principal);
    const moduleRef = await Test.createTestingModule({
      providers: [JwtAuthGuard, { provide: TokenVerifier, useValue: { check: verify } }],
    }).compile();
    guard = moduleRef.get(JwtAuthGuard);
  });

  /** As Nest's guards consumer runs it: a synchronous throw becomes a rejection. */
  function activate(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve().then(() => guard.canActivate(context));
  }

  function request(authorization?: string): TestRequest {
    return { headers: authorization === undefined ? {} : { authorization } };
  }

  describe('public routes', () => {
    it.each([
      ['a @Public() handler', ProtectedController.prototype.health, ProtectedController],
      [
        'every handler of a @Public() controller',
        PublicController.prototype.list,
        PublicController,
      ],
    ])('lets %s through without verifying anything', (_label, handler, controller) => {
      const req = request();
      // true itself, not a promise: Nest awaits nothing on a public route.
      expect(guard.canActivate(createHttpContext({ handler, controller, request: req }))).toBe(
        true,
      );
      expect(verify).not.toHaveBeenCalled();
      expect(req.user).toBeUndefined();
    });

    it('lets a public route through even in a non-HTTP context', async () => {
      const context = createHttpContext({
        handler: PublicController.prototype.list,
        controller: PublicController,
        type: 'rpc',
      });
      await expect(activate(context)).resolves.toBe(true);
      expect(verify).not.toHaveBeenCalled();
    });

    it('lets handler metadata win over the controller: a protected handler on a public class needs a token', async () => {
      const context = createHttpContext({
        handler: PublicController.prototype.explicitlyProtected,
        controller: PublicController,
        request: request(),
      });
      await expect(activate(context)).rejects.toMatchObject({
        code: AuthErrorCode.MissingToken,
      });
      expect(verify).not.toHaveBeenCalled();
    });

    it('treats a handler marked not-public on a protected class as protected', async () => {
      const context = createHttpContext({
        handler: ProtectedController.prototype.explicitlyProtected,
        controller: ProtectedController,
        request: request(),
      });
      await expect(activate(context)).rejects.toMatchObject({
        code: AuthErrorCode.MissingToken,
      });
    });
  });

  describe('protected routes', () => {
    const context = (req: TestRequest, type = 'http') =>
      createHttpContext({
        handler: ProtectedController.prototype.list,
        controller: ProtectedController,
        request: req,
        type,
      });

    it('refuses a request without an Authorization header with MissingToken', async () => {
      const req = request();
      const outcome = activate(context(req));
      await expect(outcome).rejects.toBeInstanceOf(AuthError);
      await expect(outcome).rejects.toMatchObject({ code: AuthErrorCode.MissingToken });
      expect(verify).not.toHaveBeenCalled();
      expect(req.user).toBeUndefined();
    });

    it.each([
      ['Basic dXNlcjpwYXNz', AuthErrorCode.MissingToken],
      ['Bearer ', AuthErrorCode.MalformedToken],
      ['Bearer a b', AuthErrorCode.MalformedToken],
    ])('refuses Authorization %p with %s before calling the verifier', async (header, code) => {
      await expect(activate(context(request(header)))).rejects.toMatchObject({ code });
      expect(verify).not.toHaveBeenCalled();
    });

    it('verifies the bearer token, then sets request.user and request.accessToken', async () => {
      const req = request('Bearer good.token.value');
      await expect(activate(context(req))).resolves.toBe(true);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify).toHaveBeenCalledWith('good.token.value', 'Bearer');
      expect(req.user).toBe(principal);
      expect(req.accessToken).toBe('good.token.value');
    });

    it('answers synchronously when the verifier returns a remembered principal', () => {
      verify.mockReturnValue(principal);
      const req = request('Bearer cached.token.value');
      expect(guard.canActivate(context(req))).toBe(true);
      expect(req.user).toBe(principal);
      expect(req.accessToken).toBe('cached.token.value');
    });

    it('propagates the verifier error and leaves the request unauthenticated', async () => {
      const expired = new AuthError(AuthErrorCode.Expired);
      verify.mockRejectedValue(expired);
      const req = request('Bearer expired.token.value');
      await expect(activate(context(req))).rejects.toBe(expired);
      expect(req.user).toBeUndefined();
      expect(req.accessToken).toBeUndefined();
    });

    it.each(['rpc', 'graphql'])(
      'refuses a protected route in a %s context (fails closed) without verifying',
      async (type) => {
        const req = request('Bearer good.token.value');
        await expect(activate(context(req, type))).rejects.toMatchObject({
          code: AuthErrorCode.MissingToken,
        });
        expect(verify).not.toHaveBeenCalled();
        expect(req.user).toBeUndefined();
      },
    );

    it('refuses a WebSocket message whose socket no handshake authenticated, without verifying', async () => {
      const ws = createWsContext({ handler: ProtectedController.prototype.list });
      await expect(activate(ws)).rejects.toMatchObject({ code: AuthErrorCode.MissingToken });
      expect(verify).not.toHaveBeenCalled();
    });

    it("verifies a WebSocket message with its socket's token again (the handshake bound it)", async () => {
      const client = {};
      bindSocketRequest(client, {
        headers: { authorization: 'Bearer socket.token.value' },
        url: '/ws',
        method: 'WS',
      });
      const ws = createWsContext({ handler: ProtectedController.prototype.list, client });
      await expect(activate(ws)).resolves.toBe(true);
      expect(verify).toHaveBeenCalledWith('socket.token.value', 'Bearer');
    });

    it("checks a live socket's token on every message, an HTTP request's once", async () => {
      const client = {};
      const watch = { introspect: jest.fn(), stop: jest.fn() };
      bindSocketRequest(client, {
        headers: { authorization: 'Bearer socket.token.value' },
        url: '/ws',
        method: 'WS',
        tokenWatch: watch,
      });
      const message = () =>
        createWsContext({ handler: ProtectedController.prototype.list, client });
      await activate(message());
      await activate(message());
      expect(verify).toHaveBeenCalledTimes(2);

      const req = request('Bearer http.token.value');
      await activate(context(req));
      await activate(context(req));
      expect(verify).toHaveBeenCalledTimes(3);
    });
  });

  describe('revoked tokens (back-channel logout)', () => {
    const isRevoked = jest.fn<RevocationList['isRevoked']>();
    const context = (req: TestRequest) =>
      createHttpContext({
        handler: ProtectedController.prototype.list,
        controller: ProtectedController,
        request: req,
      });

    beforeEach(async () => {
      isRevoked.mockReset();
      const moduleRef = await Test.createTestingModule({
        providers: [
          JwtAuthGuard,
          { provide: TokenVerifier, useValue: { check: verify } },
          { provide: RevocationList, useValue: { isRevoked, revoke: jest.fn() } },
        ],
      }).compile();
      guard = moduleRef.get(JwtAuthGuard);
    });

    it('refuses a verified token whose session was logged out, also one the cache answered', async () => {
      isRevoked.mockReturnValue(true);
      verify.mockReturnValue(principal);
      const req = request('Bearer cached.token.value');
      await expect(activate(context(req))).rejects.toMatchObject({ code: AuthErrorCode.Revoked });
      expect(isRevoked).toHaveBeenCalledWith(principal);
      expect(req.user).toBeUndefined();
    });

    it('lets a token that was not logged out pass', async () => {
      isRevoked.mockReturnValue(false);
      await expect(activate(context(request('Bearer good.token.value')))).resolves.toBe(true);
      expect(isRevoked).toHaveBeenCalledTimes(1);
    });
  });
});
