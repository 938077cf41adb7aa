import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthSettings } from '../auth-settings.js';
import { authRequestOf } from '../context/auth-request.js';
import { DpopProofVerifier, type DpopRequest } from '../dpop/dpop-proof.verifier.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { RouteAuthCache, type RouteAuth } from '../metadata/route-auth.js';
import type { AuthenticatedRequest, AuthPrincipal } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { LiveRequest } from '../sockets/live-request.js';
import { publishAccepted } from '../telemetry/auth-channels.js';
import { authenticatedEarlier, rememberAuthenticated } from '../token/authenticated-request.js';
import { credentialsOf } from '../token/bearer-request.js';
import type { Credentials, TokenScheme } from '../token/bearer-token.js';
import { boundKeyOf, TokenVerifier } from '../token/token-verifier.service.js';

/** The request as the guard reads it, on Express and on Fastify alike. */
export type GuardedRequest = AuthenticatedRequest & DpopRequest;

/**
 * App-wide guard: every route needs a valid access token unless it is `@Public()`, and one
 * whose session was logged out (the revocation list) is refused, even when the verified-token
 * cache answered. A DPoP-bound token comes with the DPoP scheme and a proof checked on every
 * request (RFC 9449); a Bearer token is refused where DPoP is required (`dpopMode: 'required'`,
 * `@RequireDpop()`). A context without a request to read (see `authRequestOf`) is refused
 * (fail closed), not waved through.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Optional() @Inject(RevocationList) private readonly revocations?: RevocationList,
    @Optional() @Inject(AuthSettings) private readonly settings?: AuthSettings,
    @Optional() @Inject(DpopProofVerifier) private readonly dpop?: DpopProofVerifier,
  ) {
    this.routes = RouteAuthCache.for(reflector);
  }

  /**
   * Synchronous for a public route and for a token the verifier remembers, so Nest does not
   * await a promise on either; a promise while a token is verified in full.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = authRequestOf<GuardedRequest>(context);
    if (request === undefined) throw new AuthError(AuthErrorCode.MissingToken);
    return this.authenticateRequest(
      request,
      this.routes.get(context.getHandler(), context.getClass()),
    );
  }

  /**
   * Checks the credentials of `request` for a route that demands `route` and attaches the
   * principal: what `canActivate` does past `@Public()`. A token this same request already
   * passed with (GraphQL checks it before execution, then each field) is not checked again.
   */
  authenticateRequest(request: GuardedRequest, route: RouteAuth): true | Promise<true> {
    const credentials = credentialsOf(request, this.dpopAccepted(route));
    if (credentials.scheme === 'Bearer' && this.dpopRequired(route)) {
      throw new AuthError(AuthErrorCode.DpopRequired);
    }
    const earlier = authenticatedEarlier(request, credentials.token);
    if (earlier) return this.attach(request, credentials.token, earlier);
    const principal = this.authenticate(credentials.token, request, credentials.scheme);
    if (isPromiseLike(principal)) {
      return Promise.resolve(principal).then((user) => this.accept(request, credentials, user));
    }
    return this.accept(request, credentials, principal);
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
    scheme: TokenScheme = 'Bearer',
  ): AuthPrincipal | Promise<AuthPrincipal> {
    return this.verifier.check(token, scheme);
  }

  /**
   * Attaches the principal, unless its token was logged out; a DPoP token's proof is checked
   * first (a promise: the proof's signature).
   */
  private accept(
    request: GuardedRequest,
    { scheme, token }: Credentials,
    user: AuthPrincipal,
  ): true | Promise<true> {
    if (this.revocations?.isRevoked(user)) {
      throw new AuthError(AuthErrorCode.Revoked, { kid: user.kid });
    }
    if (scheme === 'DPoP') {
      // credentialsOf refuses the DPoP scheme when no verifier can check its proof.
      const verifying = this.dpop!.verify(request, token, boundKeyOf(user)!);
      return verifying.then(() => this.attach(request, token, user));
    }
    return this.attach(request, token, user);
  }

  private attach(request: GuardedRequest, token: string, user: AuthPrincipal): true {
    request.user = user;
    request.accessToken = token;
    // A live connection's request lasts: each message is checked again (revocation included).
    if ((request as LiveRequest).tokenWatch === undefined) {
      rememberAuthenticated(request, token, user);
    }
    publishAccepted('authentication');
    return true;
  }

  /** Whether the DPoP scheme is read at all: a verifier, and the mode or the route allow it. */
  private dpopAccepted(route: RouteAuth): boolean {
    if (this.dpop === undefined || this.settings === undefined) return false;
    return this.settings.dpopMode !== 'off' || route.dpop;
  }

  private dpopRequired(route: RouteAuth): boolean {
    return route.dpop || this.settings?.dpopMode === 'required';
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
