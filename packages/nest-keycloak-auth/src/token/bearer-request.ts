import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { extractCredentials, type Credentials } from './bearer-token.js';

/**
 * The parts of a request a bearer token can arrive in, on Express (the request is Node's
 * IncomingMessage) and on Fastify (Node's message is `raw`).
 */
export interface BearerRequest {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: readonly string[];
  raw?: { rawHeaders?: readonly string[]; url?: string };
  url?: string;
  body?: unknown;
}

/**
 * The access token of a request and its scheme (RFC 6750 section 2; RFC 9449 section 7.1 when
 * `dpop`). A token sent more than one way (an `Authorization` header plus `access_token` in the
 * query or a form body, or two `Authorization` headers) is an invalid request: Node keeps only
 * the first duplicate header, so a forged second one would otherwise pass unseen. Only the
 * header is a supported way.
 */
export function credentialsOf(request: BearerRequest, dpop: boolean): Credentials {
  const presented =
    headerCount(request, 'authorization') + queryTokens(request) + (hasBodyToken(request) ? 1 : 0);
  if (presented > 1) throw new AuthError(AuthErrorCode.InvalidRequest);
  return extractCredentials(request.headers.authorization, dpop);
}

/** How many headers named `lowerName` the request has (Node keeps only the first of some). */
export function headerCount(request: BearerRequest, lowerName: string): number {
  const raw = request.raw?.rawHeaders ?? request.rawHeaders;
  if (!raw) return request.headers[lowerName] === undefined ? 0 : 1;
  let count = 0;
  // rawHeaders alternates names and values.
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) count++;
  }
  return count;
}

function queryTokens(request: BearerRequest): number {
  const url = request.raw?.url ?? request.url ?? '';
  const start = url.indexOf('?');
  if (start < 0) return 0;
  const query = url.slice(start + 1);
  // Cheap test first (almost no request has the name); `_` may come %-encoded.
  if (!QUERY_NAME.test(query)) return 0;
  return new URLSearchParams(query).getAll('access_token').length;
}

const QUERY_NAME = /access(?:_|%5f)token/i;

/** Only a form body carries a token (RFC 6750 section 2.2); a JSON field of that name is data. */
function hasBodyToken(request: BearerRequest): boolean {
  const body = request.body;
  const type = request.headers['content-type'];
  return (
    typeof type === 'string' &&
    type.toLowerCase().startsWith('application/x-www-form-urlencoded') &&
    typeof body === 'object' &&
    body !== null &&
    Object.prototype.hasOwnProperty.call(body, 'access_token')
  );
}
