import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { AuditTrail } from '../audit/audit-trail.js';
import type { AuditedRequest } from '../audit/audit-entry.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import {
  challengesFor,
  hasChallenge,
  isUnauthorized,
  toHttpResponse,
} from '../filters/auth-error.mapping.js';
import type { AuthPrincipal } from '../principal.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { AuthFailureLimiter } from '../throttling/auth-failure-limiter.js';
import { TokenVerifier } from '../token/token-verifier.service.js';
import { handshakeToken } from './handshake-token.js';
import { OpenSockets } from './open-sockets.js';

/** A handshake's HTTP answer when it is refused: written before any upgrade. */
export interface HandshakeRefusal {
  status: number;
  headers: Record<string, string>;
  /** Nest's `{statusCode, message, error}`, as REST answers the same failure. */
  body: string;
}

/** What {@link WsHandshake.authenticate} decides. */
export type HandshakeOutcome =
  | { accepted: true; principal: AuthPrincipal; token: string }
  | { accepted: false; refusal: HandshakeRefusal };

/**
 * Authenticates a WebSocket handshake the way JwtAuthGuard authenticates a request: the same
 * TokenVerifier and revocation list, the same 401/429 answers and `WWW-Authenticate` challenges,
 * the same failed-authentication limit and audit entries. Bearer only (`dpopMode: 'required'`
 * closes WebSockets). Also holds the count of open sockets per principal.
 */
@Injectable()
export class WsHandshake {
  private readonly logger = new Logger('WsHandshake');
  /** The open sockets per principal (`wsSocketsPerPrincipal`). */
  readonly sockets: OpenSockets;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(AuthFailureLimiter) private readonly limiter: AuthFailureLimiter,
    @Optional() @Inject(RevocationList) private readonly revocations?: RevocationList,
  ) {
    this.sockets = new OpenSockets(settings.wsSocketsPerPrincipal);
  }

  /** Accepts the handshake with its principal, or says how to refuse it. Never rejects. */
  async authenticate(request: IncomingMessage): Promise<HandshakeOutcome> {
    const audited = auditedOf(request);
    try {
      const token = handshakeToken(request);
      if (this.settings.dpopMode === 'required') throw new AuthError(AuthErrorCode.DpopRequired);
      const principal = await this.verify(token);
      if (!this.sockets.hasRoom(principal)) {
        throw new AuthError(AuthErrorCode.TooManySockets, { kid: principal.kid });
      }
      this.audit.accepted('authentication', { ...audited, user: principal });
      return { accepted: true, principal, token };
    } catch (error) {
      return { accepted: false, refusal: await this.refusal(error, request, audited) };
    }
  }

  /**
   * Extension point: the verified, not revoked principal of `token`. A DPoP-bound token is
   * refused: a socket's messages carry no proof.
   */
  protected async verify(token: string): Promise<AuthPrincipal> {
    let principal: AuthPrincipal;
    try {
      principal = await this.verifier.check(token, 'Bearer');
    } catch (error) {
      if (error instanceof AuthError && error.code === AuthErrorCode.BoundTokenAsBearer) {
        throw new AuthError(AuthErrorCode.BoundTokenOnSocket, error.details);
      }
      throw error;
    }
    if (this.revocations?.isRevoked(principal)) {
      throw new AuthError(AuthErrorCode.Revoked, { kid: principal.kid });
    }
    return principal;
  }

  /** The HTTP answer to a refused handshake; a failure that is no AuthError is a fixed 500. */
  private async refusal(
    error: unknown,
    request: IncomingMessage,
    audited: AuditedRequest,
  ): Promise<HandshakeRefusal> {
    if (!(error instanceof AuthError)) {
      this.logger.error({ event: 'ws_handshake_failed', errorName: nameOf(error) });
      return answer(500, 'Internal server error', {});
    }
    const refusal = await this.throttled(error, audited.ip);
    const http = toHttpResponse(refusal);
    const headers: Record<string, string> = {};
    if (hasChallenge(http)) {
      const presented = request.headers.authorization;
      const challenges = challengesFor(this.settings, refusal, http, presented);
      headers['WWW-Authenticate'] = challenges.join(', ');
    }
    if (http.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(http.retryAfterSeconds);
    }
    this.audit.refused(audited, refusal, http.status);
    return answer(http.status, http.message, headers);
  }

  /** A 401 from an address past the failure limit becomes TooManyFailures (429), as on REST. */
  private async throttled(error: AuthError, ip: string | undefined): Promise<AuthError> {
    if (!isUnauthorized(error)) return error;
    const retryAfterSeconds = await this.limiter.failed(ip);
    if (retryAfterSeconds === undefined) return error;
    return new AuthError(AuthErrorCode.TooManyFailures, {
      kid: error.details.kid,
      retryAfterSeconds,
    });
  }
}

function answer(status: number, message: string, headers: Record<string, string>) {
  const body = JSON.stringify({ statusCode: status, message, error: STATUS_CODES[status] });
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body,
  };
}

/** What the audit trail reads of a handshake: never a header (they carry the token). */
function auditedOf(request: IncomingMessage): AuditedRequest {
  return { method: 'GET', url: request.url, ip: request.socket.remoteAddress };
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
