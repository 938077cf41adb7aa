import type { ArgumentsHost } from '@nestjs/common';
import type { LiveRequest } from './live-request.js';

/**
 * What the guards read on a WebSocket message, in the shape they read an HTTP request: the
 * principal and token the handshake verified, an `Authorization` header rebuilt from that token
 * (so JwtAuthGuard checks it again, revocation included, on every message), the handshake's other
 * headers (for `@RequireOrganization({ header })`) and, per message, the message's data as
 * `params` (for `@RequireOrganization({ param })`). Never logged: it holds the token.
 */
export interface SocketRequest extends LiveRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The handshake's path (no query string), for the audit trail. */
  url: string;
  /** `WS`: an audit entry of a message refusal says where it came from. */
  method: 'WS';
  /** The client address of the handshake. */
  ip?: string;
  /** The current message's data when it is an object. */
  params?: Record<string, unknown>;
}

const bySocket = new WeakMap<object, SocketRequest>();
const byMessage = new WeakMap<object, SocketRequest>();

/** Leaves the handshake's request on `socket` for the guards (the adapter does, on connection). */
export function bindSocketRequest(socket: object, request: SocketRequest): void {
  bySocket.set(socket, request);
}

/**
 * The request of the socket a WebSocket message came on, undefined when the handshake left none
 * (a socket not opened through the Keycloak adapter: refused, fail closed). A message whose data
 * is an object gets a view of its own, so what one message's guards leave (the organization)
 * never leaks to another message of the same socket handled at the same time.
 */
export function socketRequestOf<T extends object>(context: ArgumentsHost): T | undefined {
  const ws = context.switchToWs();
  const socket = bySocket.get(ws.getClient<object>());
  if (socket === undefined) return undefined;
  const data: unknown = ws.getData();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return socket as T;
  let view = byMessage.get(data);
  if (view === undefined) {
    view = Object.create(socket, { params: { value: data, enumerable: true } }) as SocketRequest;
    byMessage.set(data, view);
  }
  return view as T;
}

/** The request the handshake bound to `socket`, if any (for the adapter's own refusals). */
export function boundSocketRequest(socket: object): SocketRequest | undefined {
  return bySocket.get(socket);
}
