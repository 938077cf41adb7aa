import type { AuthPrincipal } from '../principal.js';

/** A logout to enforce, from a validated logout token. Times are seconds since the epoch. */
export interface Logout {
  /** The accepted realm whose issuer signed the logout token. */
  readonly realm: string;
  /** The ended session: every token carrying it is revoked. */
  readonly sid?: string;
  /** Without `sid`: every token of this subject issued at or before `iat` is revoked. */
  readonly sub?: string;
  /** When the logout token was issued. */
  readonly iat: number;
}

/** What the revocation check reads of a verified token. */
export type RevocableToken = Pick<AuthPrincipal, 'realm' | 'sid' | 'sub' | 'claims'>;

/**
 * The logged-out sessions and subjects, checked on every protected request after the token is
 * verified. The type is also the injection token: the in-memory list is the default, and a
 * shared one (or a test's) replaces it with `overrideProvider(RevocationList)`.
 */
export abstract class RevocationList {
  /** Records a logout; resolves once it is enforced by this process. */
  abstract revoke(logout: Logout): Promise<void>;

  /** Whether the token was logged out. Synchronous: it runs on every request. */
  abstract isRevoked(token: RevocableToken): boolean;
}
