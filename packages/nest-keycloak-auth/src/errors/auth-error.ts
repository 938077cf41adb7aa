/**
 * Stable codes of every way authentication or authorization can fail. They are
 * what logs carry; the HTTP status and message for each live in `filters/auth-error.mapping.ts`.
 */
export const AuthErrorCode = {
  MissingToken: 'ERR_AUTH_MISSING_TOKEN',
  /** The token came more than one way, or in two `Authorization` headers (RFC 6750 §2). */
  InvalidRequest: 'ERR_AUTH_INVALID_REQUEST',
  MalformedToken: 'ERR_AUTH_MALFORMED_TOKEN',
  Expired: 'ERR_AUTH_TOKEN_EXPIRED',
  NotYetValid: 'ERR_AUTH_TOKEN_NOT_YET_VALID',
  InvalidAudience: 'ERR_AUTH_INVALID_AUDIENCE',
  InvalidIssuer: 'ERR_AUTH_INVALID_ISSUER',
  InvalidSignature: 'ERR_AUTH_INVALID_SIGNATURE',
  UnknownKey: 'ERR_AUTH_UNKNOWN_KEY',
  WrongTokenType: 'ERR_AUTH_WRONG_TOKEN_TYPE',
  InvalidClaims: 'ERR_AUTH_INVALID_CLAIMS',
  InvalidToken: 'ERR_AUTH_INVALID_TOKEN',
  KeysUnavailable: 'ERR_AUTH_KEYS_UNAVAILABLE',
  /** Discovery reports another issuer than the pinned one: nothing can be verified (503). */
  IssuerMismatch: 'ERR_AUTH_ISSUER_MISMATCH',
  Inactive: 'ERR_AUTH_TOKEN_INACTIVE',
  /** The token's session or subject was logged out (OIDC Back-Channel Logout). */
  Revoked: 'ERR_AUTH_TOKEN_REVOKED',
  IntrospectionUnavailable: 'ERR_AUTH_INTROSPECTION_UNAVAILABLE',
  /** Keycloak was reached and refused this API's client id or secret (a configuration fault). */
  ClientCredentialsRefused: 'ERR_AUTH_CLIENT_CREDENTIALS_REFUSED',
  InsufficientRoles: 'ERR_AUTH_INSUFFICIENT_ROLES',
  /** `@Scopes`/`@AnyScope`: the token's `scope` claim lacks what the route demands. */
  InsufficientScope: 'ERR_AUTH_INSUFFICIENT_SCOPE',
  /** `@RequireOrganization`: the caller is not a member of the organization the request names. */
  NotOrganizationMember: 'ERR_AUTH_NOT_ORGANIZATION_MEMBER',
  /** `@RequireOrganization`: the request names no organization (parameter or header absent). */
  OrganizationMissing: 'ERR_AUTH_ORGANIZATION_MISSING',
  /** `@Permission`: Keycloak Authorization Services denied a permission the route lists. */
  PermissionDenied: 'ERR_AUTH_PERMISSION_DENIED',
  /** `@Permission`: Keycloak knows no such resource or scope (a misconfiguration, logged). */
  UnknownPermission: 'ERR_AUTH_UNKNOWN_PERMISSION',
  /** `@Permission`: no decision could be had from Keycloak (503). */
  AuthorizationUnavailable: 'ERR_AUTH_AUTHORIZATION_UNAVAILABLE',
  /** `@Realms`: the token comes from an accepted realm, but not one this route lists. */
  RealmNotAllowed: 'ERR_AUTH_REALM_NOT_ALLOWED',
  /** `@OwnerOrRole`: the caller neither owns the resource nor holds a role that overrides it. */
  NotOwner: 'ERR_AUTH_NOT_OWNER',
  /** The client IP caused more failed authentications than the window allows (429). */
  TooManyFailures: 'ERR_AUTH_TOO_MANY_FAILURES',
  /** The `DPoP` proof fails one of RFC 9449's checks (`details.dpopCheck` says which). */
  InvalidDpopProof: 'ERR_AUTH_INVALID_DPOP_PROOF',
  /** A DPoP-bound token (`cnf.jkt`, `typ` DPoP) sent with the Bearer scheme. */
  BoundTokenAsBearer: 'ERR_AUTH_BOUND_TOKEN_AS_BEARER',
  /** A Bearer token (no `cnf.jkt`) sent with the DPoP scheme. */
  UnboundTokenAsDpop: 'ERR_AUTH_UNBOUND_TOKEN_AS_DPOP',
  /** `DPOP_MODE=required` or `@RequireDpop()`: a Bearer token is not accepted here. */
  DpopRequired: 'ERR_AUTH_DPOP_REQUIRED',
  /** `@Permission` with a DPoP-bound token: Keycloak's decision endpoint refuses those. */
  PermissionNeedsBearer: 'ERR_AUTH_PERMISSION_NEEDS_BEARER',
  /** A DPoP-bound token at a WebSocket handshake: no proof can come with each message. */
  BoundTokenOnSocket: 'ERR_AUTH_BOUND_TOKEN_ON_SOCKET',
  /** The principal already holds `wsSocketsPerPrincipal` open WebSockets (429). */
  TooManySockets: 'ERR_AUTH_TOO_MANY_SOCKETS',
  /** A WebSocket sent more than `wsMessagesPerSecond` messages this second (429). */
  TooManyMessages: 'ERR_AUTH_TOO_MANY_MESSAGES',
} as const;

/** One of the {@link AuthErrorCode} values. */
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** Extra facts about a failure, for the response and the log line (never a token). */
export interface AuthErrorDetails {
  /** Roles the caller lacks (InsufficientRoles from `@Roles`). */
  missingRoles?: readonly string[];
  /** The route's `@Roles` (all of them), for the audit entry of an InsufficientRoles refusal. */
  requiredRoles?: readonly string[];
  /** The route's `@AnyRole` (one of them), for the audit entry of an InsufficientRoles refusal. */
  requiredAnyRoles?: readonly string[];
  /** The route's `@Scopes` (InsufficientScope): every one is needed. */
  requiredScopes?: readonly string[];
  /** The route's `@AnyScope` (InsufficientScope): one of them is enough. */
  requiredAnyScopes?: readonly string[];
  /** Where the route expected the organization's alias (OrganizationMissing). */
  organizationSource?: { readonly param: string } | { readonly header: string };
  /** The permissions refused or unknown (PermissionDenied, UnknownPermission). */
  permissions?: readonly string[];
  /** The realms the route accepts (RealmNotAllowed). */
  allowedRealms?: readonly string[];
  /** Roles that would have let a non-owner through (NotOwner). */
  ownerBypassRoles?: readonly string[];
  /** Seconds after which a retry may succeed (KeysUnavailable, IssuerMismatch, TooManyFailures). */
  retryAfterSeconds?: number;
  /** `kid` of the token's header, when known: useful in logs during key rotation. */
  kid?: string;
  /** Which DPoP proof check failed (InvalidDpopProof). */
  dpopCheck?: DpopCheck;
}

/** The DPoP proof checks of RFC 9449 §4.3, each with its own fixed message. */
export type DpopCheck =
  | 'count'
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'jti'
  | 'replayed'
  | 'ath'
  | 'binding';

/** A refused request. Guards, the verifier and interceptors throw it; one filter maps it to HTTP. */
export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    readonly details: AuthErrorDetails = {},
  ) {
    super(code);
  }
}
