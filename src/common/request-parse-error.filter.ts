import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/**
 * Express' body parser and router fail on what a client sent (bad JSON, a bad gzip stream, a
 * bad %-escape, a body too large) with their own error text, which Nest passes on as the
 * message: "Unexpected token 'x', "{"name": x}" is not valid JSON" echoes the body and the
 * parser's internals. This filter answers them with a fixed message instead, same status.
 */
@Catch(HttpException)
export class RequestParseErrorFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    const message = fixedMessage(exception);
    if (message === undefined || host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    const status = exception.getStatus();
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(status)
      .json({ statusCode: status, message, error: STATUS_CODES[status] ?? 'Bad Request' });
  }
}

/** A fixed message when the exception wraps a request-parsing error, else undefined. */
function fixedMessage(exception: HttpException): string | undefined {
  const cause = exception.cause;
  if (cause instanceof SyntaxError) return 'Malformed JSON body';
  if (cause instanceof URIError) return 'Malformed URL';
  if (isHttpError(cause)) return STATUS_CODES[cause.statusCode] ?? 'Bad Request';
  return undefined;
}

/** The shape of errors from the http-errors package (body-parser, raw-body, send). */
function isHttpError(value: unknown): value is { statusCode: number } {
  return (
    value instanceof Error &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number' &&
    (value as { status?: unknown }).status === (value as { statusCode?: unknown }).statusCode
  );
}
