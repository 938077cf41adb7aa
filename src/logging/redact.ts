/**
 * Keys whose values never reach a log line, at any depth and in any case: headers and fields
 * that hold credentials. Nest's ConsoleLogger masks them in logged objects (`redact` option).
 */
export const REDACTED_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  // A browser's WebSocket handshake carries its token here (`bearer, <token>`).
  'sec-websocket-protocol',
  'cookie',
  'set-cookie',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'password',
  'secret',
];

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Shorter configured secrets are not searched for: they would mask ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/** A JWS (3 parts) or JWE (5 parts) in compact form: its header is base64url JSON, `eyJ…`. */
const JWT = /eyJ[\w-]*\.[\w-]*\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;

/** `Bearer <token>` or `Basic <credentials>`, as in an Authorization header copied into text. */
const CREDENTIALS = /\b(Bearer|Basic)\s+[\w.~+/-]{8,}=*(?=$|[\s,;])/gi;

/**
 * `text` with JWT-shaped strings, `Bearer`/`Basic` credentials and the given secrets (e.g. the
 * client secret) replaced with `[redacted]`. The last line of defence for strings: nothing
 * should log them in the first place. Cheap when there is nothing to hide.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = text;
  if (result.includes('eyJ')) result = result.replace(JWT, REDACTED);
  if (/bearer|basic/i.test(result)) result = result.replace(CREDENTIALS, `$1 ${REDACTED}`);
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) {
      result = result.replaceAll(secret, REDACTED);
    }
  }
  return result;
}
