import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { bearerTokenOf, type BearerRequest } from '../token/bearer-request.js';
import { TokenVerifier } from '../token/token-verifier.service.js';

/** The request as the guard reads it, on Express and on Fastify alike. */
export type GuardedRequest = AuthenticatedRequest & BearerRequest;

/**
 * App-wide guard: every route needs a valid bearer token unless it is `@Public()`.
 * Non-HTTP contexts are refused (fail closed), not waved through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {
    this.routes = new RouteAuthCache(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    if (context.getType() !== 'http') throw new AuthError(AuthErrorCode.MissingToken);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = bearerTokenOf(request);
    request.user = await this.authenticate(token, request);
    request.accessToken = token;
    return true;
  }

  /** Extension point: whether the route needs no token (handler metadata first). */
  protected isPublic(context: ExecutionContext): boolean {
    return this.routes.get(context.getHandler(), context.getClass()).isPublic;
  }

  /** Extension point: verify the token (and, in a subclass, add checks of your own). */
  protected authenticate(token: string, _request: GuardedRequest): Promise<AuthPrincipal> {
    return this.verifier.verify(token);
  }
}
