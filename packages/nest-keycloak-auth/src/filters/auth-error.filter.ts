import { Catch, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import type { AuditedRequest } from '../audit/audit-entry.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthFailureLimiter } from '../throttling/auth-failure-limiter.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { answerOnSocket } from '../sockets/socket-error.js';
import { refuseField, type AuthGraphqlError } from './auth-error.graphql.js';
import {
  challengesFor,
  hasChallenge,
  isUnauthorized,
  toHttpResponse,
} from './auth-error.mapping.js';

/** What the filter reads of a request, on Express and on Fastify alike. */
export type RefusedRequest = AuditedRequest & {
  headers?: Record<string, string | string[] | undefined>;
};

/**
 * Writes every {@link AuthError} as Nest's usual `{statusCode, message, error}` body with the
 * RFC 6750 headers, through the app's HTTP adapter (Express or Fastify), and records each
 * refusal in the audit trail (never the token). A client address past the failed-
 * authentication limit gets 429 with `Retry-After` instead of its 401. On a WebSocket message
 * (a gateway's `@UseFilters(AuthErrorFilter)`) the refusal is an `error` event instead.
 */
@Catch(AuthError)
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  private readonly audit: AuditTrail;
  private readonly limiter: AuthFailureLimiter;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(AuditTrail) audit?: AuditTrail,
    @Optional() @Inject(AuthFailureLimiter) limiter?: AuthFailureLimiter,
  ) {
    this.audit = audit ?? new AuditTrail(settings);
    this.limiter = limiter ?? new AuthFailureLimiter(settings);
  }

  catch(error: AuthError, host: ArgumentsHost): Promise<void> | AuthGraphqlError | void {
    const log = (request: RefusedRequest, status: number) => this.log(request, error, status);
    // A GraphQL field answers with an error in the response, not with the HTTP status.
    if (host.getType<string>() === 'graphql') return refuseField(error, host, log);
    // A WebSocket message answers with an error event; the socket stays open.
    if (host.getType() === 'ws') return answerOnSocket(error, host, log);
    // Only HTTP has headers and a status to set; elsewhere the transport's own filter answers.
    if (host.getType() !== 'http') throw error;
    return this.answer(error, host);
  }

  /** Extension point: records the refusal (the audit trail logs and counts it). */
  protected log(request: RefusedRequest, error: AuthError, status: number): void {
    this.audit.refused(request, error, status);
  }

  /**
   * Answers once the failure is counted (in Redis when shared). Nest waits for an async filter
   * on both adapters: its route handler hands Fastify the reply to wait on.
   */
  private async answer(error: AuthError, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<RefusedRequest>();
    const refusal = await this.throttled(error, request);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = http.getResponse();
    const answer = toHttpResponse(refusal);

    if (hasChallenge(answer)) {
      const presented = request.headers?.authorization;
      const scheme = typeof presented === 'string' ? presented : undefined;
      const challenges = challengesFor(this.settings, refusal, answer, scheme);
      // One header per scheme (an array sets several on both platforms).
      const value = challenges.length === 1 ? challenges[0] : challenges;
      adapter.setHeader(response, 'WWW-Authenticate', value as string);
    }
    if (answer.retryAfterSeconds !== undefined) {
      adapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
    }
    this.log(request, refusal, answer.status);
    const body = {
      statusCode: answer.status,
      message: answer.message,
      error: STATUS_CODES[answer.status],
    };
    adapter.reply(response, body, answer.status);
  }

  /** A 401 from an address past the failure limit becomes TooManyFailures (429). */
  private async throttled(error: AuthError, request: RefusedRequest): Promise<AuthError> {
    if (!isUnauthorized(error)) return error;
    const retryAfterSeconds = await this.limiter.failed(request.ip);
    if (retryAfterSeconds === undefined) return error;
    return new AuthError(AuthErrorCode.TooManyFailures, {
      kid: error.details.kid,
      retryAfterSeconds,
    });
  }
}
