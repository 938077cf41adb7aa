import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';

/** Longest identifier claim accepted: Keycloak's own ids are 36 characters, its names <= 255. */
export const MAX_IDENTIFIER_LENGTH = 255;

/**
 * C0 controls (NUL included), DEL and C1 controls. PostgreSQL refuses NUL in text, and any of
 * them in a log line or header can forge or cut what follows.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is its purpose
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Claims that become identifiers when present: the session and the client the token is for. */
const OPTIONAL_IDENTIFIERS = ['sid', 'azp'] as const;

/** A non-empty string of at most 255 characters without control characters. */
export function isSaneIdentifier(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_IDENTIFIER_LENGTH &&
    !CONTROL_CHARACTER.test(value)
  );
}

/**
 * Refuses a verified token whose identifier claims the app would store, log or compare are not
 * sane strings: `sub` (required), `sid` and `azp` (when present), and the organizations' aliases
 * and ids. Throws InvalidClaims, the refusal of a token without `sub` (401 invalid_token).
 */
export function checkIdentifierClaims(claims: JWTPayload): void {
  const sane =
    isSaneIdentifier(claims.sub) &&
    OPTIONAL_IDENTIFIERS.every(
      (name) => claims[name] === undefined || isSaneIdentifier(claims[name]),
    ) &&
    organizationIdentifiers(claims.organization).every(isSaneIdentifier);
  if (!sane) throw new AuthError(AuthErrorCode.InvalidClaims);
}

/**
 * The aliases (and ids) an `organization` claim would give the principal, in either of
 * Keycloak's shapes (a list of aliases, or an object keyed by alias); what organizationsOf
 * drops (non-strings, empty aliases) is not checked here either.
 */
function organizationIdentifiers(claim: unknown): string[] {
  if (Array.isArray(claim)) {
    return claim.filter((alias): alias is string => typeof alias === 'string' && alias !== '');
  }
  if (typeof claim !== 'object' || claim === null) return [];
  const found: string[] = [];
  for (const [alias, details] of Object.entries(claim as Record<string, unknown>)) {
    if (alias === '') continue;
    found.push(alias);
    const id = (details as { id?: unknown } | null)?.id;
    if (typeof id === 'string') found.push(id);
  }
  return found;
}
