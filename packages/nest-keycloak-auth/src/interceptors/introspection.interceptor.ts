import {
  Inject,
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, switchMap, type Observable } from 'rxjs';
import { AuditTrail } from '../audit/audit-trail.js';
import { authRequestOf } from '../context/auth-request.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { publishAccepted } from '../telemetry/auth-channels.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import { isStillActive } from '../introspection/still-active.js';
import { RouteAuthCache } from '../metadata/route-auth.js';
import type { LiveRequest } from '../sockets/live-request.js';

/** Set on a request once its token was found active, so a second registration asks no more. */
const INTROSPECTED = Symbol('auth:introspected');

type IntrospectedRequest = LiveRequest & { [INTROSPECTED]?: true };

/**
 * On routes marked `@RequireActiveToken()`, asks Keycloak whether the (already verified)
 * token is still active before the handler runs: revoked tokens and logged-out sessions get
 * 401 here even though their signature and `exp` are still fine. The decorator applies it to
 * the routes it marks; registered app-wide as well, it asks once per request all the same.
 */
@Injectable()
export class IntrospectionInterceptor implements NestInterceptor {
  private readonly routes: RouteAuthCache;

  constructor(
    @Inject(Reflector) reflector: Reflector,
    @Inject(IntrospectionClient) private readonly introspection: IntrospectionClient,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
  ) {
    this.routes = RouteAuthCache.for(reflector);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.routes.get(context.getHandler(), context.getClass()).introspected) {
      return next.handle();
    }

    const request = authRequestOf<IntrospectedRequest>(context);
    if (request?.[INTROSPECTED]) return next.handle();
    // Fail closed: a route that asks for introspection never runs without a verified token.
    if (request === undefined || !request.accessToken)
      throw new AuthError(AuthErrorCode.MissingToken);
    // A live connection's token (WebSocket, graphql-ws): its watch asks too from now on, on
    // every sweep, and closes the connection (4401) once Keycloak says inactive.
    request.tokenWatch?.introspect();
    const { accessToken, user } = request;
    return from(isStillActive(this.introspection, accessToken, user)).pipe(
      switchMap((active) => {
        if (!active) throw new AuthError(AuthErrorCode.Inactive);
        request[INTROSPECTED] = true;
        if (this.audit) this.audit.accepted('introspection', request);
        else publishAccepted('introspection');
        return next.handle();
      }),
    );
  }
}
