import type { AuthenticatedRequest } from '../principal.js';
import type { WatchedToken } from './token-watch.js';

/**
 * The request of a long-lived connection (a graphql-ws socket), as the guards read it on each
 * operation: its token is under watch, and `@RequireActiveToken` on an operation tells the
 * watch to keep asking Keycloak for as long as the connection lives.
 */
export interface LiveRequest extends AuthenticatedRequest {
  tokenWatch?: WatchedToken;
}
