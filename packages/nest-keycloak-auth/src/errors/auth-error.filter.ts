import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { AuthSettings } from '../auth-settings.js';
import type { AuthenticatedRequest } from '../principal.js';
import { AuthError } from './auth-error.js';
import { hasChallenge, toHttpResponse, wwwAuthenticate } from './auth-error.mapping.js';

/** What the filter reads of a request, on Express and on Fastify alike. */
export type RefusedRequest = AuthenticatedRequest & {
  method?: string;
  url?: string;
  ip?: string;
  /** Express: the matched route. */
  route?: { path?: unknown };
  /** Fastify: the matched route. */
  routeOptions?: { url?: unknown };
};

/**
 * Writes every {@link AuthError} as Nest's usual `{statusCode, message, error}` body with the
 * RFC 6750 headers, through the app's HTTP adapter (Express or Fastify), and logs each
 * refusal as one structured entry (never the token).
 */
@Catch(AuthError)
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    // Only HTTP has headers and a status to set; elsewhere the transport's own filter answers.
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = http.getResponse();
    const answer = toHttpResponse(error);

    if (hasChallenge(answer)) {
      adapter.setHeader(response, 'WWW-Authenticate', wwwAuthenticate(this.settings.realm, answer));
    }
    if (answer.retryAfterSeconds !== undefined) {
      adapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
    }
    this.log(http.getRequest<RefusedRequest>(), error, answer.status);
    const body = {
      statusCode: answer.status,
      message: answer.message,
      error: STATUS_CODES[answer.status],
    };
    adapter.reply(response, body, answer.status);
  }

  /**
   * Extension point: one entry per refusal with the route template (never the query string:
   * it may carry secrets), the reason code, sub, kid and client IP. The app's logger chooses
   * the format.
   */
  protected log(request: RefusedRequest, error: AuthError, status: number): void {
    const entry = {
      event: 'auth_refused',
      status,
      reason: error.code,
      method: request.method,
      route: routeOf(request),
      sub: request.user?.sub,
      kid: loggableKid(error.details.kid),
      ip: request.ip,
    };
    if (status >= 500) this.logger.error(entry);
    else this.logger.warn(entry);
  }
}

/** The matched route's template, else the path without its query string. */
function routeOf(request: RefusedRequest): string | undefined {
  const template = request.route?.path ?? request.routeOptions?.url;
  if (typeof template === 'string') return template;
  return request.url?.split('?', 1)[0];
}

/** The kid comes from the caller: log it only when it looks like one, so a huge one costs nothing. */
function loggableKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  return /^[\w.-]{1,128}$/.test(kid) ? kid : '(malformed)';
}
