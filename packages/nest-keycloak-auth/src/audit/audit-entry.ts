import { AuthErrorCode } from '../errors/auth-error.js';
import type { AuthDecisionStage } from '../telemetry/auth-channels.js';
import type { AuthenticatedRequest } from '../principal.js';

/** What an audit entry reads of a request, on Express and on Fastify alike. */
export type AuditedRequest = AuthenticatedRequest & {
  method?: string;
  url?: string;
  /** The client address as the platform computes it (`trust proxy` / `trustProxy` aware). */
  ip?: string;
  /** Express: the matched route. */
  route?: { path?: unknown };
  /** Fastify: the matched route. */
  routeOptions?: { url?: unknown };
};

/**
 * One audit event, as the library logs it (fields, never pre-serialised JSON; the app's logger
 * adds the time, level and request id). Never the token, a claim value besides `sub`/`azp`,
 * or the query string.
 */
export interface AuditEntry {
  event: 'auth_accepted' | 'auth_refused';
  stage: AuthDecisionStage;
  outcome: 'accepted' | 'refused';
  /** `ok` when accepted, else the `ERR_AUTH_*` code. */
  reason: string;
  status: number;
  method?: string;
  /** The route template (`/items/:id`), else the path without its query string. */
  route?: string;
  ip?: string;
  sub?: string;
  azp?: string;
  /** The realm of the caller's token, once it was verified. */
  realm?: string;
  /** The roles the route demanded (`@Roles`: all of them), on authorization decisions. */
  rolesRequired?: readonly string[];
  /** The roles of which one sufficed (`@AnyRole`, or an `@OwnerOrRole` bypass). */
  rolesAnyOf?: readonly string[];
  /** The scopes the route demanded (`@Scopes`: all of them), on authorization decisions. */
  scopesRequired?: readonly string[];
  /** The scopes of which one sufficed (`@AnyScope`). */
  scopesAnyOf?: readonly string[];
  /** The Keycloak permissions (`resource#scope`) the route demanded, or those refused. */
  permissions?: readonly string[];
  kid?: string;
}

/** One back-channel logout received: applied, or refused and why. Never the token. */
export interface LogoutAuditEntry {
  event: 'backchannel_logout';
  outcome: 'applied' | 'refused';
  /** `ok` when applied, else the `ERR_LOGOUT_*` code. */
  reason: string;
  status: number;
  ip?: string;
  /** The realm whose issuer signed the logout token, once validated. */
  realm?: string;
  /** Whether the logout named a session (`sid`) and a subject (`sub`). */
  hasSid?: boolean;
  hasSub?: boolean;
}

/** The decision a refusal belongs to, by its code. */
export function stageOf(code: string): AuthDecisionStage {
  switch (code) {
    case AuthErrorCode.InsufficientRoles:
    case AuthErrorCode.InsufficientScope:
    case AuthErrorCode.NotOwner:
    case AuthErrorCode.PermissionDenied:
    case AuthErrorCode.UnknownPermission:
    case AuthErrorCode.AuthorizationUnavailable:
    case AuthErrorCode.NotOrganizationMember:
    case AuthErrorCode.OrganizationMissing:
    case AuthErrorCode.RealmNotAllowed:
      return 'authorization';
    case AuthErrorCode.Inactive:
    case AuthErrorCode.IntrospectionUnavailable:
    case AuthErrorCode.ClientCredentialsRefused:
      return 'introspection';
    default:
      return 'authentication';
  }
}

/** The request's part of an entry: method, route template, client IP, sub, azp, realm and kid. */
export function requestFields(
  request: AuditedRequest,
  kid: string | undefined,
): Pick<AuditEntry, 'method' | 'route' | 'ip' | 'sub' | 'azp' | 'realm' | 'kid'> {
  return {
    method: request.method,
    route: routeOf(request),
    ip: request.ip,
    sub: request.user?.sub,
    azp: request.user?.azp,
    realm: request.user?.realm || undefined,
    kid: loggableKid(kid ?? request.user?.kid),
  };
}

/** The matched route's template, else the path without its query string (it may carry secrets). */
function routeOf(request: AuditedRequest): string | undefined {
  const template = request.route?.path ?? request.routeOptions?.url;
  if (typeof template === 'string') return template;
  return request.url?.split('?', 1)[0];
}

/** The kid comes from the caller: logged only when it looks like one, so a huge one costs nothing. */
function loggableKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  return /^[\w.-]{1,128}$/.test(kid) ? kid : '(malformed)';
}
