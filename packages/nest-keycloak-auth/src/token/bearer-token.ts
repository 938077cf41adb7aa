import { MAX_AUTHORIZATION_HEADER_BYTES } from '../auth.constants.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';

/** The schemes an access token may come with: RFC 6750's Bearer, RFC 9449's DPoP. */
export type TokenScheme = 'Bearer' | 'DPoP';

/** An access token and the scheme it came with. */
export interface Credentials {
  readonly scheme: TokenScheme;
  readonly token: string;
}

// A b64token (RFC 6750 §2.1, RFC 9449 §7.1) after a case-insensitive scheme.
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^(Bearer|DPoP)(?: |$)/i;

/**
 * The token of an `Authorization: Bearer <token>` or `DPoP <token>` header. No header or another
 * scheme (DPoP too, when `dpop` is false) is "missing"; a header of a known scheme that is empty,
 * oversized or not a b64token is "malformed".
 */
export function extractCredentials(
  header: string | string[] | undefined,
  dpop: boolean,
): Credentials {
  const scheme = typeof header === 'string' ? SCHEME.exec(header)?.[1] : undefined;
  const dpopScheme = scheme?.length === 4;
  if (scheme === undefined || (dpopScheme && !dpop)) {
    throw new AuthError(AuthErrorCode.MissingToken);
  }
  if ((header as string).length > MAX_AUTHORIZATION_HEADER_BYTES) {
    throw new AuthError(AuthErrorCode.MalformedToken);
  }
  const match = CREDENTIALS.exec(header as string);
  if (!match) throw new AuthError(AuthErrorCode.MalformedToken);
  return { scheme: dpopScheme ? 'DPoP' : 'Bearer', token: match[2] };
}
