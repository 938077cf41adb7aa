import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { STATUS_CODES } from 'node:http';

/** `extensions.code` by HTTP status: Apollo's names where it has one, else the status' name. */
const CODES: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_USER_INPUT',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PRECONDITION_FAILED]: 'PRECONDITION_FAILED',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'BAD_USER_INPUT',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_REQUESTS',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/**
 * The codes a client may see with their message: the app's own (above, and the auth
 * library's), and Apollo's and graphql-js' refusals of the document itself.
 */
const SAFE_CODES = new Set([
  ...Object.values(CODES),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** What a GraphQL field's error carries besides its message. */
export interface FieldErrorExtensions {
  code: string;
  status: number;
  retryAfterSeconds?: number;
}

/** An error graphql-js puts on the field it ended (it copies `extensions`). */
export class FieldError extends Error {
  override readonly name = 'FieldError';

  constructor(
    message: string,
    readonly extensions: FieldErrorExtensions,
  ) {
    super(message);
  }
}

/**
 * A field's answer for a status and message the REST route would give: a 4xx keeps its
 * message; a 5xx other than 503 says only "Internal server error".
 */
export function fieldError(
  status: number,
  message: unknown,
  retryAfterSeconds?: number,
): FieldError {
  const code = CODES[status] ?? 'INTERNAL_SERVER_ERROR';
  const text = Array.isArray(message) ? message.join('; ') : String(message);
  const shown = code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : text;
  return new FieldError(shown, {
    code,
    status,
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
  });
}

/** An HttpException's field error, with the message its REST body would carry. */
export function fieldErrorOf(exception: HttpException): FieldError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'string'
      ? response
      : ((response as { message?: unknown }).message ?? STATUS_CODES[status]);
  return fieldError(status, message);
}

const logger = new Logger('GraphQL');

/**
 * Apollo's `formatError`, the last word on every error a client sees, over HTTP and sockets:
 * an error with a code of the app's, the auth library's or of the document's validation keeps
 * its message and code; anything else (a bug, a library's own text) becomes "Internal server
 * error", logged by name, never its text. No stack trace, ever.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && SAFE_CODES.has(code)) {
    // Nest copies an HttpException's whole body into originalError: the message says enough.
    const extensions = { ...formatted.extensions };
    delete extensions.originalError;
    delete extensions.stacktrace;
    return { ...formatted, extensions };
  }
  logger.error({ event: 'graphql_error', errorName: nameOf(error), path: formatted.path });
  return {
    message: 'Internal server error',
    ...(formatted.path && { path: formatted.path }),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

function nameOf(error: unknown): string {
  const original = (error as { originalError?: unknown } | undefined)?.originalError ?? error;
  return original instanceof Error ? original.name : typeof original;
}
