// The route metadata keys, in a file that imports nothing: the decorators write them, and the
// one reader (route-auth.ts) and the start-up realm check read them.

/** Set by `@Public()`. */
export const IS_PUBLIC_KEY = 'auth:public';
/** Set by `@Roles()`: every one of these roles. */
export const ROLES_ALL_KEY = 'auth:roles:all';
/** Set by `@AnyRole()`: at least one of these roles. */
export const ROLES_ANY_KEY = 'auth:roles:any';
/** Set by `@Scopes()`: every one of these scopes. */
export const SCOPES_ALL_KEY = 'auth:scopes:all';
/** Set by `@AnyScope()`: at least one of these scopes. */
export const SCOPES_ANY_KEY = 'auth:scopes:any';
/** Set by `@RequireActiveToken()`. */
export const REQUIRE_ACTIVE_TOKEN_KEY = 'auth:introspect';
/** Set by `@OwnerOrRole()`: an `OwnerRule`. */
export const OWNER_RULE_KEY = 'auth:owner';
/** Set by `@Permission()`: Keycloak permissions (`resource#scope`). */
export const PERMISSIONS_KEY = 'auth:permissions';
/** Set by `@RequireOrganization()`: an `OrganizationSource`. */
export const ORGANIZATION_RULE_KEY = 'auth:organization';
/** Set by `@Realms()`: realm names. */
export const REALMS_KEY = 'auth:realms';
/** Set by `@RequireDpop()`: a DPoP-bound token and proof, whatever `dpopMode` says. */
export const REQUIRE_DPOP_KEY = 'auth:dpop';
