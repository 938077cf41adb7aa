import type { JWTPayload } from 'jose';

/**
 * The stand-in's Keycloak Authorization Services: per resource, per scope, the roles (realm
 * or the API client's) of which one grants it, as a role policy with a scope permission does.
 */
export type AuthorizationPolicies = Map<string, Map<string, readonly string[]>>;

/** What the decision endpoint answers for one permission. */
export type StandInDecision = 'granted' | 'denied' | 'invalid_resource' | 'invalid_scope';

/**
 * The demo realm's settings on the API client: resource `items` with scopes `view` (api-read,
 * api-write, api-admin), `create` (api-write, api-admin) and `delete` (api-admin).
 */
export function demoPolicies(): AuthorizationPolicies {
  return new Map([
    [
      'items',
      new Map<string, readonly string[]>([
        ['view', ['api-read', 'api-write', 'api-admin']],
        ['create', ['api-write', 'api-admin']],
        ['delete', ['api-admin']],
      ]),
    ],
  ]);
}

/** Keycloak's decision for `resource#scope` and the roles in `claims`. */
export function decidePermission(
  policies: AuthorizationPolicies,
  claims: JWTPayload,
  clientId: string,
  permission: string,
): StandInDecision {
  const [resource, scope] = permission.split('#', 2);
  const scopes = policies.get(resource);
  if (!scopes) return 'invalid_resource';
  if (scope === undefined || scope === '') return 'granted';
  const roles = scopes.get(scope);
  if (!roles) return 'invalid_scope';
  const held = rolesIn(claims, clientId);
  return roles.some((role) => held.has(role)) ? 'granted' : 'denied';
}

function rolesIn(claims: JWTPayload, clientId: string): Set<string> {
  const realm = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
  const access = claims.resource_access as Record<string, { roles?: unknown }> | undefined;
  const client = access?.[clientId]?.roles;
  return new Set(
    [realm, client].flatMap((list) =>
      Array.isArray(list) ? list.filter((r): r is string => typeof r === 'string') : [],
    ),
  );
}
