import type { AuditTrail } from '../audit/audit-trail.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toHttpResponse } from '../filters/auth-error.mapping.js';
import { sendEvent, socketErrorOf, type EventSocket } from '../sockets/socket-error.js';
import { boundSocketRequest } from '../sockets/socket-request.js';

interface Window {
  /** Epoch ms at which this second started. */
  start: number;
  count: number;
}

const TOO_MANY = new AuthError(AuthErrorCode.TooManyMessages);
const TOO_MANY_EVENT = socketErrorOf(toHttpResponse(TOO_MANY));

/**
 * Messages per socket and second (`wsMessagesPerSecond`), in fixed one-second windows. The first
 * message past the limit is answered with one `TOO_MANY_REQUESTS` error event and audited like
 * any refusal; the rest of that second's are dropped silently, so a flood gets no reply flood.
 */
export class MessageRate {
  private readonly windows = new WeakMap<object, Window>();

  constructor(
    private readonly limit: number,
    private readonly audit: AuditTrail,
  ) {}

  /** Counts one message of `socket`; true when it is past the limit (drop it). */
  exceeded(socket: EventSocket): boolean {
    const now = Date.now();
    let window = this.windows.get(socket);
    if (window === undefined || now - window.start >= 1000) {
      window = { start: now, count: 0 };
      this.windows.set(socket, window);
    }
    window.count++;
    if (window.count <= this.limit) return false;
    if (window.count === this.limit + 1) {
      this.audit.refused(boundSocketRequest(socket) ?? {}, TOO_MANY, 429);
      sendEvent(socket, TOO_MANY_EVENT);
    }
    return true;
  }
}
