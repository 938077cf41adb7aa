import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { fieldErrorOf, type FieldError } from '../graphql/graphql-errors.js';

/**
 * The one place that writes the body of every HttpException, so each 4xx and 5xx reads the same
 * whoever threw it: `{statusCode, message, error}` in that order (Nest's own exceptions put
 * `message` first; the auth library's and the database's filters write `statusCode` first).
 *
 * The body parsers and routers of Express and Fastify fail on what a client sent (bad JSON, a
 * bad gzip stream, a bad %-escape, a body too large) with their own error text, which Nest
 * passes on as the message: "Unexpected token 'x', "{"name": x}" is not valid JSON" echoes the
 * body and the parser's internals. Those get a fixed message instead, same status, so both
 * platforms answer alike. (Fastify's router refusals never reach a filter: see
 * src/fastify-adapter.ts.)
 */
@Catch(HttpException)
export class HttpErrorFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void | FieldError {
    // A GraphQL field: the error goes back into the response, the status into its code.
    if (host.getType<string>() === 'graphql') return fieldErrorOf(exception);
    if (host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    const status = exception.getStatus();
    const body = bodyOf(exception, status);
    // Through the adapter, as BaseExceptionFilter replies: the same code on Express and Fastify.
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    adapter?.reply(host.switchToHttp().getResponse(), body, status);
  }
}

/** `{statusCode, message, error}` first, then whatever else the exception's body carries. */
function bodyOf(exception: HttpException, status: number): Record<string, unknown> {
  const error = STATUS_CODES[status] ?? 'Error';
  const fixed = fixedMessage(exception);
  if (fixed !== undefined) return { statusCode: status, message: fixed, error };
  const response = exception.getResponse();
  if (typeof response === 'string') return { statusCode: status, message: response, error };
  const { statusCode, message, error: text, ...rest } = response as Record<string, unknown>;
  return { statusCode: statusCode ?? status, message, error: text ?? error, ...rest };
}

/** A fixed message when the exception wraps a request-parsing error, else undefined. */
function fixedMessage(exception: HttpException): string | undefined {
  const cause = exception.cause;
  if (cause instanceof SyntaxError) return 'Malformed JSON body';
  if (cause instanceof URIError) return 'Malformed URL';
  if (isFastifyError(cause)) {
    if (cause.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'Malformed JSON body';
    if (cause.code === 'FST_ERR_BAD_URL') return 'Malformed URL';
  }
  if (isHttpError(cause) || isFastifyError(cause)) {
    return STATUS_CODES[cause.statusCode] ?? 'Bad Request';
  }
  return undefined;
}

/** Fastify's own errors (FST_ERR_CTP_BODY_TOO_LARGE, ...); Nest wraps only the 4xx ones. */
function isFastifyError(value: unknown): value is { statusCode: number; code: string } {
  return (
    value instanceof Error &&
    value.name === 'FastifyError' &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number'
  );
}

/** The shape of errors from the http-errors package (body-parser, raw-body, send). */
function isHttpError(value: unknown): value is { statusCode: number } {
  return (
    value instanceof Error &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number' &&
    (value as { status?: unknown }).status === (value as { statusCode?: unknown }).statusCode
  );
}
