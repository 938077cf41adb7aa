import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { extractBearerToken } from '../token/bearer-token.js';
import { TokenVerifier } from '../token/token-verifier.service.js';

type GuardedRequest = AuthenticatedRequest & {
  headers: Record<string, string | string[] | undefined>;
};

/**
 * App-wide guard: every route needs a valid bearer token unless it is `@Public()`.
 * Non-HTTP contexts are refused (fail closed), not waved through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    if (context.getType() !== 'http') throw new AuthError(AuthErrorCode.MissingToken);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = extractBearerToken(request.headers.authorization);
    request.user = await this.authenticate(token, request);
    request.accessToken = token;
    return true;
  }

  /** Handler metadata first, then the controller's. */
  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  /** Extension point: verify the token (and, in a subclass, add checks of your own). */
  protected authenticate(token: string, _request: GuardedRequest): Promise<AuthPrincipal> {
    return this.verifier.verify(token);
  }
}
