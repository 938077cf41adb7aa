import { Inject, Injectable, Optional, type NestMiddleware } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthSettings } from '../auth-settings.js';
import { DpopProofVerifier } from '../dpop/dpop-proof.verifier.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { JwtAuthGuard, type GuardedRequest } from '../guards/jwt-auth.guard.js';
import type { RouteAuth } from '../metadata/route-auth.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { TokenVerifier } from '../token/token-verifier.service.js';

/** A GraphQL operation as a whole demands a token, no more: the fields' rules come later. */
const OPERATION: RouteAuth = Object.freeze({ isPublic: false, introspected: false, dpop: false });

/**
 * Checks the token of a GraphQL request over HTTP once, before anything executes: a token that
 * is presented but fails (expired, forged, revoked, a bad DPoP proof) is thrown as AuthError,
 * which AuthErrorFilter answers exactly as on a REST route (401, `WWW-Authenticate`, the
 * failure limit, the audit line). A request without one passes: each field then decides
 * (`UNAUTHENTICATED` on a protected one). The guards of each field reuse this check.
 * @example
 * configure(consumer: MiddlewareConsumer) {
 *   consumer.apply(GraphqlTokenMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.ALL });
 * }
 */
@Injectable()
export class GraphqlTokenMiddleware implements NestMiddleware {
  private readonly guard: JwtAuthGuard;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(TokenVerifier) verifier: TokenVerifier,
    @Optional() @Inject(RevocationList) revocations?: RevocationList,
    @Optional() @Inject(AuthSettings) settings?: AuthSettings,
    @Optional() @Inject(DpopProofVerifier) dpop?: DpopProofVerifier,
  ) {
    this.guard = new JwtAuthGuard(reflector, verifier, revocations, settings, dpop);
  }

  async use(request: GuardedRequest, _response: unknown, next: () => void): Promise<void> {
    if (request.headers.authorization !== undefined) {
      try {
        await this.guard.authenticateRequest(request, OPERATION);
      } catch (error) {
        // Another scheme (Basic, say) is no token of ours: the fields answer as without one.
        if (!(error instanceof AuthError && error.code === AuthErrorCode.MissingToken)) throw error;
      }
    }
    next();
  }
}
