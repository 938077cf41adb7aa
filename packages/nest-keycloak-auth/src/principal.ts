import type { JWTPayload } from 'jose';
import { organizationsOf, type Organization } from './organizations/organization.js';

/** Who made the request, built from a verified Keycloak access token. */
export interface AuthPrincipal {
  sub: string;
  /** The accepted realm (`KEYCLOAK_REALMS`) whose issuer signed the token. */
  realm: string;
  /** `preferred_username`. */
  username?: string;
  email?: string;
  /** `realm_access.roles`. */
  realmRoles: readonly string[];
  /** `resource_access[clientId].roles` of this API's client. */
  clientRoles: readonly string[];
  /** Union of realm and client roles, for role checks. */
  roles: ReadonlySet<string>;
  /** The `scope` claim split on spaces. */
  scopes: readonly string[];
  /** Keycloak Organizations the caller belongs to, from the `organization` claim. */
  organizations: readonly Organization[];
  /** Client the token was issued to. */
  azp?: string;
  /** Keycloak session id (`sid`), which a back-channel logout names. */
  sid?: string;
  /** Seconds since the epoch at which the token expires. */
  exp: number;
  /** `kid` of the key that signed the token, when its header named one. */
  kid?: string;
  /** Every verified claim, for what the typed fields do not cover. */
  claims: Readonly<JWTPayload>;
}

/** An Express request after JwtAuthGuard: `user` is the principal. */
export interface AuthenticatedRequest {
  user?: AuthPrincipal;
  /** The verified raw token, kept for introspection; never log it. */
  accessToken?: string;
}

/**
 * Builds the principal from claims that have already been verified. It is frozen (claims
 * included): the verified-token cache hands the same object to every request with that token,
 * so a handler must not be able to change what the next request sees. `realm` is the accepted
 * realm the verifier matched the issuer to (empty only for principals built by hand).
 */
export function toPrincipal(
  claims: JWTPayload,
  clientId: string,
  kid?: string,
  realm = '',
): AuthPrincipal {
  const realmRoles = stringArray(objectAt(claims, 'realm_access')?.roles);
  const clientAccess = objectAt(objectAt(claims, 'resource_access'), clientId);
  const clientRoles = stringArray(clientAccess?.roles);
  return deepFreeze({
    sub: claims.sub as string,
    realm,
    username: optionalString(claims.preferred_username),
    email: optionalString(claims.email),
    realmRoles,
    clientRoles,
    roles: new Set([...realmRoles, ...clientRoles]),
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    organizations: organizationsOf(claims.organization),
    azp: optionalString(claims.azp),
    sid: optionalString(claims.sid),
    exp: claims.exp as number,
    ...(kid !== undefined && { kid }),
    claims,
  });
}

/**
 * Freezes plain objects and arrays all the way down (the roles Set is typed read-only). Only
 * unfrozen objects are queued, so the strings and numbers that make up most claims cost a
 * typeof each, not a slot in a list (this runs once per token seen for the first time).
 */
function deepFreeze<T>(value: T): T {
  const pending: object[] = [];
  queueUnfrozen(pending, value);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    Object.freeze(node);
    for (const child of Object.values(node) as unknown[]) queueUnfrozen(pending, child);
  }
  return value;
}

function queueUnfrozen(pending: object[], value: unknown): void {
  if (typeof value === 'object' && value !== null && !(value instanceof Set)) {
    if (!Object.isFrozen(value)) pending.push(value);
  }
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
    ? (inner as Record<string, unknown>)
    : undefined;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
