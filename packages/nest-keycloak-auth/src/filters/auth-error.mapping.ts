import { HttpStatus } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';

/** How one {@link AuthError} answers over HTTP. */
export interface AuthHttpResponse {
  status: HttpStatus;
  message: string;
  /** RFC 6750 error code for `WWW-Authenticate`; absent when no token was presented. */
  bearerError?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  retryAfterSeconds?: number;
  /** RFC 6750 `scope` attribute of an `insufficient_scope` challenge: the scopes that would do. */
  scope?: string;
}

const INVALID_TOKEN = 'Invalid token';

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
    case AuthErrorCode.ClientCredentialsRefused:
      return { status: HttpStatus.BAD_GATEWAY, message: CREDENTIALS_REFUSED };
    default:
      return {
        status: HttpStatus.UNAUTHORIZED,
        message: UNAUTHORIZED[error.code] ?? INVALID_TOKEN,
        bearerError: 'invalid_token',
      };
  }
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
  const parts = [`Bearer realm="${quote(realm)}"`];
  if (response.bearerError) {
    parts.push(`error="${response.bearerError}"`);
    parts.push(`error_description="${attributeChars(response.message)}"`);
  }
  if (response.scope) parts.push(`scope="${attributeChars(response.scope)}"`);
  return parts.join(', ');
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
