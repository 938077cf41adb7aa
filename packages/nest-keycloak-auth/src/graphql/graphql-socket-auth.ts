import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Context, ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { isUnauthorized, toHttpResponse } from '../filters/auth-error.mapping.js';
import type { GuardedRequest } from '../guards/jwt-auth.guard.js';
import type { AuthPrincipal } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { LiveRequest } from '../sockets/live-request.js';
import { TokenWatch, type TokenEnd, type WatchedToken } from '../sockets/token-watch.js';
import { AuthFailureLimiter } from '../throttling/auth-failure-limiter.js';
import { extractCredentials } from '../token/bearer-token.js';
import { TokenVerifier } from '../token/token-verifier.service.js';

/** graphql-ws's close code for a connection without valid credentials. */
export const UNAUTHORIZED_CLOSE = 4401;

/** WebSocket's close code for a server that cannot serve now (RFC 6455 registry). */
const TRY_AGAIN_LATER = 1013;

/** What graphql-ws's `ws` adapter hands over for each socket (`graphql-ws/use/ws`'s Extra). */
export interface SocketExtra {
  readonly socket: { close(code: number, reason: string): void };
  readonly request: IncomingMessage;
}

/** The socket's request, as the guards read it on each operation (one per connection). */
export type SocketRequest = GuardedRequest & LiveRequest & { ip?: string; method: string };

/** The hooks `hooks()` returns, for `subscriptions: { 'graphql-ws': … }`. */
export type GraphqlSocketHooks = Required<Pick<ServerOptions, 'onConnect' | 'onClose'>>;

const ENDED: Record<TokenEnd, string> = {
  expired: 'Token has expired',
  revoked: 'Token is no longer active',
  inactive: 'Token is no longer active',
};

/** No proof can accompany each message of a socket (RFC 9449 binds a proof to one request). */
const DPOP_REFUSED = 'DPoP-bound tokens cannot authenticate a WebSocket: use a Bearer token';

interface Live {
  readonly request: SocketRequest;
  readonly watched: WatchedToken;
}

/**
 * Authenticates graphql-ws sockets (`graphql-transport-ws`): the token comes in
 * `connection_init`'s payload (`{ "authorization": "Bearer …" }`); a missing or invalid one
 * closes the socket with 4401 before any acknowledgement. An accepted socket's token is
 * watched: at `exp` (with the HTTP clock tolerance), on a logout (the revocation list) or when
 * introspection says it is inactive, the socket closes with 4401. Each operation runs the
 * field's guards against the socket's request, as an HTTP request's fields do.
 * @example
 * subscriptions: { 'graphql-ws': socketAuth.hooks() }
 */
@Injectable()
export class GraphqlSocketAuth {
  private readonly live = new WeakMap<object, Live>();

  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(TokenWatch) private readonly watch: TokenWatch,
    @Optional() @Inject(RevocationList) private readonly revocations?: RevocationList,
    @Optional() @Inject(AuditTrail) private readonly audit?: AuditTrail,
    @Optional() @Inject(AuthFailureLimiter) private readonly limiter?: AuthFailureLimiter,
  ) {}

  /** `onConnect` and `onClose` for `subscriptions: { 'graphql-ws': … }`. */
  hooks(): GraphqlSocketHooks {
    return {
      onConnect: (ctx) => this.connect(ctx),
      onClose: (ctx) => this.live.get(ctx)?.watched.stop(),
    };
  }

  /**
   * The GraphQL `context` option: an operation of an accepted socket reads the socket's
   * request (its guards see it per field); an HTTP operation gets the transport's request,
   * which Nest's Apollo driver adds when the context has no `req`.
   */
  readonly context = (ctx: unknown): { req?: SocketRequest } => {
    const live = typeof ctx === 'object' && ctx !== null ? this.live.get(ctx) : undefined;
    return live ? { req: live.request } : {};
  };

  /** Accepts the socket, or closes it with 4401 (returning false makes graphql-ws stop). */
  private async connect(ctx: Context): Promise<boolean> {
    const extra = ctx.extra as SocketExtra;
    const request = socketRequest(extra.request, ctx.connectionParams?.authorization);
    try {
      const user = await this.authenticate(request);
      const watched = this.watch.watch(user, request.accessToken!, (why) =>
        extra.socket.close(UNAUTHORIZED_CLOSE, ENDED[why]),
      );
      request.tokenWatch = watched;
      this.live.set(ctx, { request, watched });
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const [code, reason] = await this.refusal(error, request);
      extra.socket.close(code, reason);
      return false;
    }
  }

  private async authenticate(request: SocketRequest): Promise<AuthPrincipal> {
    const credentials = extractCredentials(request.headers.authorization, true);
    if (credentials.scheme === 'DPoP') throw new AuthError(AuthErrorCode.DpopRequired);
    const user = await this.verifier.check(credentials.token, 'Bearer');
    if (this.revocations?.isRevoked(user)) throw new AuthError(AuthErrorCode.Revoked);
    request.accessToken = credentials.token;
    return user;
  }

  /**
   * The close code and reason, audited. A failed authentication is 4401 with the REST 401's
   * message and counts against the failure limit like one; Keycloak or its keys unreachable
   * is 1013 (try again later), counted nowhere.
   */
  private async refusal(error: AuthError, request: SocketRequest): Promise<[number, string]> {
    const answer = toHttpResponse(error);
    if (!isUnauthorized(error)) {
      this.audit?.refused(request, error, answer.status);
      return [TRY_AGAIN_LATER, answer.message];
    }
    const retryAfterSeconds = await this.limiter?.failed(request.ip);
    if (retryAfterSeconds !== undefined) {
      const throttled = new AuthError(AuthErrorCode.TooManyFailures, { retryAfterSeconds });
      this.audit?.refused(request, throttled, 429);
      return [UNAUTHORIZED_CLOSE, toHttpResponse(throttled).message];
    }
    this.audit?.refused(request, error, 401);
    const dpop = [AuthErrorCode.DpopRequired, AuthErrorCode.BoundTokenAsBearer] as string[];
    return [UNAUTHORIZED_CLOSE, dpop.includes(error.code) ? DPOP_REFUSED : answer.message];
  }
}

/**
 * The socket's request: the upgrade request's headers with the credentials of
 * `connection_init` (the only ones that count), its address, and the path.
 */
function socketRequest(upgrade: IncomingMessage, authorization: unknown): SocketRequest {
  const headers = { ...upgrade.headers, authorization: undefined };
  return {
    headers: typeof authorization === 'string' ? { ...headers, authorization } : headers,
    ip: upgrade.socket.remoteAddress,
    method: 'GET',
    url: upgrade.url?.split('?', 1)[0],
  };
}
