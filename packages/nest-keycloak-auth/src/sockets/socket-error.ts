import type { ArgumentsHost } from '@nestjs/common';
import type { AuditedRequest } from '../audit/audit-entry.js';
import { authRequestOf } from '../context/auth-request.js';
import type { AuthError } from '../errors/auth-error.js';
import { toHttpResponse, type AuthHttpResponse } from '../filters/auth-error.mapping.js';

/** The code of a WebSocket `error` event, by the HTTP status the same failure gets on REST. */
export type SocketErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_REQUEST' | 'TOO_MANY_REQUESTS' | 'UNAVAILABLE';

/** A refused WebSocket message's answer: `{"event":"error","data":{code, message}}`. */
export interface SocketErrorEvent {
  event: 'error';
  data: { code: SocketErrorCode; message: string };
}

/**
 * The `error` event that answers a refused message, from the failure's HTTP answer (the one
 * mapping): its code by status, its fixed message. The socket stays open.
 */
export function socketErrorOf({ status, message }: AuthHttpResponse): SocketErrorEvent {
  return { event: 'error', data: { code: codeOf(status), message } };
}

function codeOf(status: number): SocketErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BAD_REQUEST';
}

/** What can carry an event: a `ws` WebSocket (readyState 1 is OPEN). */
export interface EventSocket {
  readonly readyState: number;
  send(data: string): void;
}

/** Sends `event` as JSON when the socket is still open; a closed one is left alone. */
export function sendEvent(socket: EventSocket, event: object): void {
  if (socket.readyState === 1) socket.send(JSON.stringify(event));
}

/**
 * Answers a refused WebSocket message (AuthErrorFilter's `ws` branch): audited through `log` with
 * the status REST would give, then an `error` event on the socket, which stays open.
 */
export function answerOnSocket(
  error: AuthError,
  host: ArgumentsHost,
  log: (request: AuditedRequest, status: number) => void,
): void {
  const answer = toHttpResponse(error);
  log(authRequestOf<AuditedRequest>(host) ?? {}, answer.status);
  sendEvent(host.switchToWs().getClient<EventSocket>(), socketErrorOf(answer));
}
