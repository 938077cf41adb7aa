import { HttpStatus } from '@nestjs/common';
import { AuthError, AuthErrorCode, type DpopCheck } from '../errors/auth-error.js';

/** How one {@link AuthError} answers over HTTP. */
export interface AuthHttpResponse {
  status: HttpStatus;
  message: string;
  /** RFC 6750 (or RFC 9449) error code for `WWW-Authenticate`; absent when no token was presented. */
  bearerError?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof';
  retryAfterSeconds?: number;
  /** RFC 6750 `scope` attribute of an `insufficient_scope` challenge: the scopes that would do. */
  scope?: string;
}

const INVALID_TOKEN = 'Invalid token';

/** The fixed message of each failed DPoP proof check. */
const DPOP_CHECKS: Record<DpopCheck, string> = {
  count: 'Exactly one DPoP proof is required',
  malformed: 'The DPoP proof is not a signed JWT',
  typ: 'The DPoP proof typ is not dpop+jwt',
  alg: 'The DPoP proof algorithm is not accepted',
  jwk: 'The DPoP proof needs a public jwk',
  signature: 'The DPoP proof signature is not valid',
  htm: 'The DPoP proof htm does not match the request method',
  htu: 'The DPoP proof htu does not match the request URL',
  iat: 'The DPoP proof is too old or from the future',
  jti: 'The DPoP proof has no jti',
  replayed: 'The DPoP proof was already used',
  ath: 'The DPoP proof ath does not match the access token',
  binding: 'The DPoP proof key is not the one the token is bound to',
};

const UNAUTHORIZED: Record<string, string> = {
  [AuthErrorCode.Expired]: 'Token has expired',
  [AuthErrorCode.NotYetValid]: 'Token is not yet valid',
  [AuthErrorCode.InvalidAudience]: 'Invalid token audience',
  [AuthErrorCode.InvalidIssuer]: 'Invalid token issuer',
  [AuthErrorCode.Inactive]: 'Token is no longer active',
  [AuthErrorCode.Revoked]: 'Token is no longer active',
};

/**
 * The one place that turns a verification or authorization failure into a status, a fixed
 * message and RFC 6750 attributes. Messages never carry library text or token content.
 */
export function toHttpResponse(error: AuthError): AuthHttpResponse {
  switch (error.code) {
    case AuthErrorCode.MissingToken:
      return { status: HttpStatus.UNAUTHORIZED, message: 'Missing bearer token' };
    case AuthErrorCode.InvalidRequest:
      return {
        status: HttpStatus.BAD_REQUEST,
        message: 'Bearer token sent more than once',
        bearerError: 'invalid_request',
      };
    case AuthErrorCode.InsufficientRoles: {
      const missing = error.details.missingRoles;
      const message = missing?.length
        ? `Missing required roles: ${missing.join(', ')}`
        : 'Insufficient permissions';
      return { status: HttpStatus.FORBIDDEN, message, bearerError: 'insufficient_scope' };
    }
    case AuthErrorCode.InsufficientScope: {
      const { requiredScopes: all, requiredAnyScopes: any } = error.details;
      const message = all
        ? `Missing required scopes: ${all.join(', ')}`
        : any
          ? `Requires one scope of: ${any.join(', ')}`
          : 'Insufficient scope';
      const scope = (all ?? any)?.join(' ');
      return {
        status: HttpStatus.FORBIDDEN,
        message,
        bearerError: 'insufficient_scope',
        ...(scope && { scope }),
      };
    }
    case AuthErrorCode.PermissionDenied:
    case AuthErrorCode.UnknownPermission: {
      // The same answer for both: the caller cannot tell a missing policy from a denial.
      const permissions = error.details.permissions;
      return {
        status: HttpStatus.FORBIDDEN,
        message: permissions?.length
          ? `Permission denied: ${permissions.join(', ')}`
          : 'Permission denied',
        bearerError: 'insufficient_scope',
      };
    }
    case AuthErrorCode.AuthorizationUnavailable:
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'Authorization decision unavailable',
        retryAfterSeconds: Math.max(1, error.details.retryAfterSeconds ?? 5),
      };
    case AuthErrorCode.NotOrganizationMember:
      return {
        status: HttpStatus.FORBIDDEN,
        message: 'Not a member of this organization',
        bearerError: 'insufficient_scope',
      };
    case AuthErrorCode.RealmNotAllowed:
      // The allowed realms are not named: which realms exist is not the caller's business.
      return {
        status: HttpStatus.FORBIDDEN,
        message: "Tokens of this token's realm may not call this route",
        bearerError: 'insufficient_scope',
      };
    case AuthErrorCode.OrganizationMissing: {
      const source = error.details.organizationSource;
      const where = !source
        ? ''
        : 'param' in source
          ? `: path parameter ${source.param}`
          : `: header ${source.header}`;
      return { status: HttpStatus.BAD_REQUEST, message: `Organization not named${where}` };
    }
    case AuthErrorCode.NotOwner: {
      const roles = error.details.ownerBypassRoles ?? [];
      const message = roles.length
        ? `Only the owner or a holder of ${roles.join(' or ')} may do this`
        : 'Only the owner may do this';
      return { status: HttpStatus.FORBIDDEN, message, bearerError: 'insufficient_scope' };
    }
    case AuthErrorCode.KeysUnavailable:
    case AuthErrorCode.IssuerMismatch:
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'Token verification unavailable',
        retryAfterSeconds: Math.max(1, error.details.retryAfterSeconds ?? 30),
      };
    case AuthErrorCode.TooManyFailures:
      return {
        status: HttpStatus.TOO_MANY_REQUESTS,
        message: 'Too many failed authentications',
        retryAfterSeconds: Math.max(1, error.details.retryAfterSeconds ?? 60),
      };
    case AuthErrorCode.IntrospectionUnavailable:
      return {
        status: HttpStatus.BAD_GATEWAY,
        message: 'Failed to reach Keycloak introspection endpoint',
      };
    case AuthErrorCode.InvalidDpopProof:
      return {
        status: HttpStatus.UNAUTHORIZED,
        message: DPOP_CHECKS[error.details.dpopCheck ?? 'malformed'],
        bearerError: 'invalid_dpop_proof',
      };
    case AuthErrorCode.BoundTokenAsBearer:
      return unauthorized('A DPoP-bound token must be sent with the DPoP scheme');
    case AuthErrorCode.UnboundTokenAsDpop:
      return unauthorized('The token is not DPoP-bound: send it with the Bearer scheme');
    case AuthErrorCode.DpopRequired:
      return unauthorized('A DPoP-bound token is required');
    case AuthErrorCode.PermissionNeedsBearer:
      return {
        status: HttpStatus.FORBIDDEN,
        message:
          "Keycloak's permission decisions do not accept DPoP-bound tokens: use a Bearer token here",
        bearerError: 'insufficient_scope',
      };
    case AuthErrorCode.ClientCredentialsRefused:
      return { status: HttpStatus.BAD_GATEWAY, message: CREDENTIALS_REFUSED };
    case AuthErrorCode.BoundTokenOnSocket:
      return unauthorized('A DPoP-bound token cannot open a WebSocket: use a Bearer token');
    case AuthErrorCode.TooManySockets:
      return { status: HttpStatus.TOO_MANY_REQUESTS, message: 'Too many open WebSockets' };
    case AuthErrorCode.TooManyMessages:
      return { status: HttpStatus.TOO_MANY_REQUESTS, message: 'Too many messages: slow down' };
    default:
      return {
        status: HttpStatus.UNAUTHORIZED,
        message: UNAUTHORIZED[error.code] ?? INVALID_TOKEN,
        bearerError: 'invalid_token',
      };
  }
}

function unauthorized(message: string): AuthHttpResponse {
  return { status: HttpStatus.UNAUTHORIZED, message, bearerError: 'invalid_token' };
}

/** Whether the failure answers 401: a failed authentication, as the failure limit counts them. */
export function isUnauthorized(error: AuthError): boolean {
  return toHttpResponse(error).status === HttpStatus.UNAUTHORIZED;
}

/** Whether the answer carries a `WWW-Authenticate` challenge: 401, 403 and RFC 6750's 400. */
export function hasChallenge(response: AuthHttpResponse): boolean {
  return response.status === HttpStatus.UNAUTHORIZED || response.bearerError !== undefined;
}

/** `WWW-Authenticate` value for a 400, 401 or 403 (RFC 6750 section 3). */
export function wwwAuthenticate(realm: string, response: AuthHttpResponse): string {
  return [`Bearer realm="${quote(realm)}"`, ...errorAttributes(response)].join(', ');
}

/** What decides the challenges of a 401 or 403: the module's DPoP settings. */
export interface ChallengeSettings {
  readonly realm: string;
  readonly dpopMode: 'allowed' | 'required' | 'off';
  readonly dpopAlgorithms: readonly string[];
}

/**
 * The `WWW-Authenticate` challenges of an answer. A 401 has one per scheme the route accepts
 * (RFC 9449 §7.1): Bearer unless DPoP is required, DPoP (with its `algs`) unless it is off. The
 * error attributes go on the scheme the failure concerns: DPoP for a proof or a DPoP
 * requirement, else the scheme the client presented (`presented`, its Authorization header). A
 * 400 or 403 concerns the token presented: only that scheme's challenge.
 */
export function challengesFor(
  settings: ChallengeSettings,
  error: AuthError,
  response: AuthHttpResponse,
  presented: string | undefined,
): string[] {
  const dpopOnly = settings.dpopMode === 'required' || error.code === AuthErrorCode.DpopRequired;
  const bearer = !dpopOnly;
  const dpop = settings.dpopMode !== 'off';
  const dpopFailure =
    error.code === AuthErrorCode.InvalidDpopProof || error.code === AuthErrorCode.DpopRequired;
  const onDpop = dpop && (dpopFailure || !bearer || /^dpop /i.test(presented ?? ''));
  const only = response.status !== HttpStatus.UNAUTHORIZED;
  const challenges: string[] = [];
  if (bearer && !(only && onDpop)) {
    challenges.push(wwwAuthenticate(settings.realm, onDpop ? PLAIN : response));
  }
  if (dpop && !(only && !onDpop)) {
    const parts = [`DPoP algs="${settings.dpopAlgorithms.join(' ')}"`];
    if (onDpop) parts.push(...errorAttributes(response));
    challenges.push(parts.join(', '));
  }
  return challenges;
}

const PLAIN: AuthHttpResponse = { status: HttpStatus.UNAUTHORIZED, message: '' };

function errorAttributes(response: AuthHttpResponse): string[] {
  const parts: string[] = [];
  if (response.bearerError) {
    parts.push(`error="${response.bearerError}"`);
    parts.push(`error_description="${attributeChars(response.message)}"`);
  }
  if (response.scope) parts.push(`scope="${attributeChars(response.scope)}"`);
  return parts;
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/**
 * RFC 6750 section 3 allows only %x20-21 / %x23-5B / %x5D-7E in `error_description` and
 * `scope`: the others are dropped, not escaped.
 */
function attributeChars(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** The 502 message when Keycloak refuses this API's own client authentication. */
export const CREDENTIALS_REFUSED = "Keycloak refused this API's client credentials";
