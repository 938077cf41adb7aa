import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request carries. */
export interface RequestContext {
  /** `X-Request-Id`: the caller's when well-formed, else a generated UUID; echoed back. */
  readonly requestId: string;
  /** The W3C `traceparent` header's trace id (32 lower-case hex digits), when one was sent. */
  readonly traceId: string | undefined;
}

/** The request being served, for the logger; undefined outside a request (start-up, timers). */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The response header that carries the request id (and the request header it is read from). */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const MAX_REQUEST_ID_LENGTH = 128;

/** Whether `value` is 1 to 128 visible ASCII characters (0x21-0x7e): no space, no control. */
export function isRequestId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length === 0 || length > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** The caller's `X-Request-Id` when well-formed; otherwise a new UUID. */
export function requestIdFrom(header: unknown): string {
  return isRequestId(header) ? header : randomUUID();
}

/** Whether `value[start, end)` is lower-case hex digits, and not all zeros when `nonZero`. */
function isHex(value: string, start: number, end: number, nonZero: boolean): boolean {
  let zero = true;
  for (let i = start; i < end; i++) {
    const code = value.charCodeAt(i);
    const digit = (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66);
    if (!digit) return false;
    if (code !== 0x30) zero = false;
  }
  return !(nonZero && zero);
}

/**
 * The trace id of a W3C `traceparent` header (`00-<32 hex trace id>-<16 hex parent id>-<2 hex
 * flags>`), or undefined when it is missing or malformed: all-zero ids, upper-case hex, version
 * `ff`, or version 00 with anything after the flags. A later version may append `-` fields.
 */
export function traceIdFrom(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length < 55) return undefined;
  if (header[2] !== '-' || header[35] !== '-' || header[52] !== '-') return undefined;
  const version = header.slice(0, 2);
  if (!isHex(header, 0, 2, false) || version === 'ff') return undefined;
  if (header.length > 55 && (version === '00' || header[55] !== '-')) return undefined;
  if (!isHex(header, 3, 35, true) || !isHex(header, 36, 52, true)) return undefined;
  if (!isHex(header, 53, 55, false)) return undefined;
  return header.slice(3, 35);
}

/** The context of a request with these (Node, lower-case) headers. */
export function contextOf(headers: Record<string, string | string[] | undefined>): RequestContext {
  return {
    requestId: requestIdFrom(headers['x-request-id']),
    traceId: traceIdFrom(headers.traceparent),
  };
}
