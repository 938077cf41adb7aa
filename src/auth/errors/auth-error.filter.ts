import {
  Catch,
  HttpStatus,
  Inject,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthSettings } from '../auth-settings.js';
import type { AuthenticatedRequest } from '../principal.js';
import { AuthError } from './auth-error.js';
import { toHttpResponse, wwwAuthenticate } from './auth-error.mapping.js';

/**
 * Writes every {@link AuthError} as Nest's usual `{statusCode, message, error}` body with the
 * RFC 6750 headers, and logs each refusal as one structured line (never the token).
 */
@Catch(AuthError)
export class AuthErrorFilter implements ExceptionFilter<AuthError> {
  private readonly logger = new Logger('Auth');

  constructor(@Inject(AuthSettings) private readonly settings: AuthSettings) {}

  catch(error: AuthError, host: ArgumentsHost): void {
    // Only HTTP has headers and a status to set; elsewhere the transport's own filter answers.
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const answer = toHttpResponse(error);

    if (answer.status === HttpStatus.UNAUTHORIZED || answer.status === HttpStatus.FORBIDDEN) {
      response.setHeader('WWW-Authenticate', wwwAuthenticate(this.settings.realm, answer));
    }
    if (answer.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(answer.retryAfterSeconds));
    }
    this.log(request, error, answer.status);
    response.status(answer.status).json({
      statusCode: answer.status,
      message: answer.message,
      error: reasonPhrase(answer.status),
    });
  }

  /** One line per refusal: route (no query string: it may carry secrets), reason, sub, client IP. */
  protected log(request: Request & AuthenticatedRequest, error: AuthError, status: number): void {
    const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
    const line = JSON.stringify({
      event: 'auth_refused',
      status,
      reason: error.code,
      method: request.method,
      route,
      sub: request.user?.sub,
      kid: loggableKid(error.details.kid),
      ip: request.ip,
    });
    if (status >= 500) this.logger.error(line);
    else this.logger.warn(line);
  }
}

/** The kid comes from the caller: log it only when it looks like one, so a huge one costs nothing. */
function loggableKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  return /^[\w.-]{1,128}$/.test(kid) ? kid : '(malformed)';
}

function reasonPhrase(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 502:
      return 'Bad Gateway';
    default:
      return 'Service Unavailable';
  }
}
