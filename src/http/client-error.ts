import { Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

const logger = new Logger('Http');

/** Node's parser codes with a status of their own; every other parse failure is a 400. */
const STATUS_OF: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

const MESSAGE_OF: Record<number, string> = {
  400: 'Malformed HTTP request: a header or the request line holds characters HTTP does not allow (e.g. a line break inside a pasted token)',
  408: 'Request not received in time',
  431: 'Request headers too large',
};

/**
 * Answers a request Node's HTTP parser refused before any route saw it (the server's
 * `clientError` event): the API's JSON error body instead of Node's bare, empty 400, and one
 * WARN line with the parser's code (never the request's bytes, which may hold a token). A
 * reset connection gets nothing: there is no one left to answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = STATUS_OF[error.code ?? ''] ?? 400;
  logger.warn({ event: 'http_request_refused', status, code: error.code ?? 'unknown' });
  if (socket.writable) {
    const body = JSON.stringify({
      statusCode: status,
      message: MESSAGE_OF[status],
      error: STATUS_CODES[status],
    });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
