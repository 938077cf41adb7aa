import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { credentialsOf, headerCount, type BearerRequest } from '../token/bearer-request.js';

/**
 * The WebSocket subprotocol a browser names first to send its token as the second value
 * (`Sec-WebSocket-Protocol: bearer, <token>`); the server answers with it alone.
 */
export const BEARER_PROTOCOL = 'bearer';

/**
 * The access token of a WebSocket handshake: `Authorization: Bearer <token>` (servers), or
 * `Sec-WebSocket-Protocol: bearer, <token>` (browsers, whose WebSocket API sets no other
 * header). Never the URL: a query string lands in access logs, proxies and browser history. Sent
 * both ways (or with `access_token` in the query too) is an invalid request; the DPoP scheme is
 * refused, since no proof can accompany each message.
 */
export function handshakeToken(request: BearerRequest): string {
  const fromProtocol = protocolToken(request.headers['sec-websocket-protocol']);
  if (fromProtocol !== undefined) {
    if (headerCount(request, 'authorization') > 0)
      throw new AuthError(AuthErrorCode.InvalidRequest);
    // The same checks as the header: a b64token, and not also in the query.
    const carried = { headers: { authorization: `Bearer ${fromProtocol}` }, url: request.url };
    return credentialsOf(carried, false).token;
  }
  const credentials = credentialsOf(request, true);
  if (credentials.scheme === 'DPoP') throw new AuthError(AuthErrorCode.BoundTokenOnSocket);
  return credentials.token;
}

/** The value after `bearer` in the offered subprotocols; '' when none follows; else undefined. */
function protocolToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const offered = header.split(',').map((value) => value.trim());
  const at = offered.indexOf(BEARER_PROTOCOL);
  if (at < 0) return undefined;
  return offered[at + 1] ?? '';
}
