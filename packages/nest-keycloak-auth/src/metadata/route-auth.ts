import type { Reflector } from '@nestjs/core';
import {
  IS_PUBLIC_KEY,
  ORGANIZATION_RULE_KEY,
  OWNER_RULE_KEY,
  PERMISSIONS_KEY,
  REALMS_KEY,
  REQUIRE_ACTIVE_TOKEN_KEY,
  REQUIRE_DPOP_KEY,
  ROLES_ALL_KEY,
  ROLES_ANY_KEY,
  SCOPES_ALL_KEY,
  SCOPES_ANY_KEY,
} from './metadata-keys.js';
import type { OrganizationSource, OwnerRule } from './route-rules.js';

/** A handler or a controller class, as the Reflector takes it. */
export type MetadataTarget = Parameters<Reflector['get']>[1];

/** What a route demands, resolved from its decorators. */
export interface RouteAuth {
  /** No token needed: the guards and the interceptor let the request through untouched. */
  readonly isPublic: boolean;
  /** `@Roles`: every one of these. */
  readonly allRoles?: readonly string[];
  /** `@AnyRole`: at least one of these. */
  readonly anyRoles?: readonly string[];
  /** `@Scopes`: every one of these in the token's `scope` claim. */
  readonly allScopes?: readonly string[];
  /** `@AnyScope`: at least one of these. */
  readonly anyScopes?: readonly string[];
  /** `@RequireActiveToken`: ask Keycloak's introspection endpoint. */
  readonly introspected: boolean;
  /** `@OwnerOrRole`: the owner of the addressed resource, or a holder of one of its roles. */
  readonly owner?: OwnerRule;
  /** `@Permission`: Keycloak Authorization Services must grant every one. */
  readonly permissions?: readonly string[];
  /** `@RequireOrganization`: where the request names the organization the caller must be in. */
  readonly organization?: OrganizationSource;
  /** `@Realms`: the token's realm must be one of these. */
  readonly realms?: readonly string[];
  /** `@RequireDpop`: a DPoP-bound token with its proof; Bearer is refused. */
  readonly dpop: boolean;
}

/**
 * The one precedence rule, read by every guard, the interceptor and the OpenAPI marking:
 * - roles: the handler's `@Roles`/`@AnyRole` (as a pair) replace the controller's;
 * - scopes: the handler's `@Scopes`/`@AnyScope` (as a pair) replace the controller's;
 * - introspection: the handler's `@RequireActiveToken` value, else the controller's;
 * - DPoP: the handler's `@RequireDpop` value, else the controller's;
 * - permissions, organization, owner and realms: the handler's, else the controller's;
 * - public: the handler's `@Public` value, else, when the handler itself asks for roles, scopes,
 *   introspection, permissions or realms, not public (its demand needs a token), else the
 *   controller's;
 * - a public route demands nothing else.
 */
export function readRouteAuth(
  reflector: Reflector,
  handler: MetadataTarget,
  controller: MetadataTarget,
): RouteAuth {
  const own = <T>(key: string, target: MetadataTarget) => reflector.get<T | undefined>(key, target);
  const handlerAll = own<string[]>(ROLES_ALL_KEY, handler);
  const handlerAny = own<string[]>(ROLES_ANY_KEY, handler);
  const handlerRoles = handlerAll !== undefined || handlerAny !== undefined;
  const handlerAllScopes = own<string[]>(SCOPES_ALL_KEY, handler);
  const handlerAnyScopes = own<string[]>(SCOPES_ANY_KEY, handler);
  const handlerScopes = handlerAllScopes !== undefined || handlerAnyScopes !== undefined;
  const handlerIntrospect = own<boolean>(REQUIRE_ACTIVE_TOKEN_KEY, handler);
  const handlerRealms = own<string[]>(REALMS_KEY, handler);
  const handlerDpop = own<boolean>(REQUIRE_DPOP_KEY, handler);

  const isPublic =
    own<boolean>(IS_PUBLIC_KEY, handler) ??
    (handlerRoles ||
    handlerScopes ||
    handlerIntrospect === true ||
    handlerDpop === true ||
    own<string[]>(PERMISSIONS_KEY, handler) !== undefined ||
    handlerRealms !== undefined
      ? false
      : own<boolean>(IS_PUBLIC_KEY, controller) === true);
  if (isPublic) return PUBLIC;
  return {
    isPublic: false,
    allRoles: handlerRoles ? handlerAll : own<string[]>(ROLES_ALL_KEY, controller),
    anyRoles: handlerRoles ? handlerAny : own<string[]>(ROLES_ANY_KEY, controller),
    allScopes: handlerScopes ? handlerAllScopes : own<string[]>(SCOPES_ALL_KEY, controller),
    anyScopes: handlerScopes ? handlerAnyScopes : own<string[]>(SCOPES_ANY_KEY, controller),
    introspected:
      (handlerIntrospect ?? own<boolean>(REQUIRE_ACTIVE_TOKEN_KEY, controller)) === true,
    owner: own<OwnerRule>(OWNER_RULE_KEY, handler) ?? own<OwnerRule>(OWNER_RULE_KEY, controller),
    permissions:
      own<string[]>(PERMISSIONS_KEY, handler) ?? own<string[]>(PERMISSIONS_KEY, controller),
    organization:
      own<OrganizationSource>(ORGANIZATION_RULE_KEY, handler) ??
      own<OrganizationSource>(ORGANIZATION_RULE_KEY, controller),
    realms: handlerRealms ?? own<string[]>(REALMS_KEY, controller),
    dpop: (handlerDpop ?? own<boolean>(REQUIRE_DPOP_KEY, controller)) === true,
  };
}

const PUBLIC: RouteAuth = Object.freeze({ isPublic: true, introspected: false, dpop: false });

/** One cache per Reflector (an app has one), shared by every guard and the interceptor. */
const shared = new WeakMap<Reflector, RouteAuthCache>();

/**
 * {@link readRouteAuth} remembered per handler and controller: metadata is fixed once the app
 * is built, so each route is resolved once instead of on every request.
 */
export class RouteAuthCache {
  private readonly routes = new WeakMap<MetadataTarget, WeakMap<MetadataTarget, RouteAuth>>();

  constructor(private readonly reflector: Reflector) {}

  /** The cache of `reflector`, made on first use: the guards and the interceptor share it. */
  static for(reflector: Reflector): RouteAuthCache {
    let cache = shared.get(reflector);
    if (!cache) shared.set(reflector, (cache = new RouteAuthCache(reflector)));
    return cache;
  }

  get(handler: MetadataTarget, controller: MetadataTarget): RouteAuth {
    let byClass = this.routes.get(handler);
    if (!byClass) this.routes.set(handler, (byClass = new WeakMap()));
    let auth = byClass.get(controller);
    if (!auth) byClass.set(controller, (auth = readRouteAuth(this.reflector, handler, controller)));
    return auth;
  }
}
