import { MAX_AUTHORIZATION_HEADER_BYTES } from '../auth.constants.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';

// RFC 6750 b64token after a case-insensitive "Bearer" scheme.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^Bearer(?: |$)/i;

/**
 * The token of an `Authorization: Bearer <token>` header. No header or another scheme is
 * "missing"; a bearer header that is empty, oversized or not a b64token is "malformed".
 */
export function extractBearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || !SCHEME.test(header)) {
    throw new AuthError(AuthErrorCode.MissingToken);
  }
  if (header.length > MAX_AUTHORIZATION_HEADER_BYTES) {
    throw new AuthError(AuthErrorCode.MalformedToken);
  }
  const match = BEARER.exec(header);
  if (!match) throw new AuthError(AuthErrorCode.MalformedToken);
  return match[1];
}
