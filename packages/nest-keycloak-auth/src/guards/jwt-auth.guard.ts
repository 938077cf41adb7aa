import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { publishAccepted } from '../telemetry/auth-channels.js';
import { bearerTokenOf, type BearerRequest } from '../token/bearer-request.js';
import { TokenVerifier } from '../token/token-verifier.service.js';

/** The request as the guard reads it, on Express and on Fastify alike. */
export type GuardedRequest = AuthenticatedRequest & BearerRequest;

/**
 * App-wide guard: every route needs a valid bearer token unless it is `@Public()`, and one
 * whose session was logged out (the revocation list) is refused, even when the verified-token
 * cache answered. Non-HTTP contexts are refused (fail closed), not waved through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Optional() @Inject(RevocationList) private readonly revocations?: RevocationList,
  ) {
    this.routes = RouteAuthCache.for(reflector);
  }

  /**
   * Synchronous for a public route and for a token the verifier remembers, so Nest does not
   * await a promise on either; a promise while a token is verified in full.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic(context)) return true;
    if (context.getType() !== 'http') throw new AuthError(AuthErrorCode.MissingToken);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = bearerTokenOf(request);
    const principal = this.authenticate(token, request);
    if (isPromiseLike(principal)) {
      return Promise.resolve(principal).then((user) => this.accept(request, token, user));
    }
    return this.accept(request, token, principal);
  }

  /** Extension point: whether the route needs no token (handler metadata first). */
  protected isPublic(context: ExecutionContext): boolean {
    return this.routes.get(context.getHandler(), context.getClass()).isPublic;
  }

  /**
   * Extension point: verify the token (and, in a subclass, add checks of your own). May return
   * the principal itself or a promise of it; an override that returns a promise always works.
   */
  protected authenticate(
    token: string,
    _request: GuardedRequest,
  ): AuthPrincipal | Promise<AuthPrincipal> {
    return this.verifier.check(token);
  }

  /** Attaches the principal, unless its token was logged out. */
  private accept(request: GuardedRequest, token: string, user: AuthPrincipal): true {
    if (this.revocations?.isRevoked(user)) {
      throw new AuthError(AuthErrorCode.Revoked, { kid: user.kid });
    }
    request.user = user;
    request.accessToken = token;
    publishAccepted('authentication');
    return true;
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
