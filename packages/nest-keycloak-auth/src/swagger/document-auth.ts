import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type {
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  ReferenceObject,
  ScopesObject,
  SecuritySchemeObject,
} from '@nestjs/swagger';
import { AuthError, AuthErrorCode, type AuthErrorDetails } from '../errors/auth-error.js';
import { toHttpResponse } from '../filters/auth-error.mapping.js';
import { readRouteAuth, type RouteAuth } from '../metadata/route-auth.js';
import {
  addErrorResponse,
  DEFAULT_ERROR_SCHEMA,
  ensureErrorSchema,
  errorExample,
  RETRY_AFTER,
  WWW_AUTHENTICATE,
  type ErrorBodyExample,
} from './error-responses.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Options of {@link documentAuth}. */
export interface DocumentAuthOptions {
  /** Security schemes a protected operation accepts, any one of them. @default ['bearer'] */
  securitySchemes?: readonly string[];
  /**
   * Component schema of error bodies. The library defines `{statusCode, message, error}` under
   * this name unless the document already has a schema of that name. @default 'ApiError'
   */
  errorSchema?: string;
}

/**
 * Marks each operation of an OpenAPI document with the access rules the guards enforce,
 * read by the same function the guards use: protected operations get the security schemes and
 * the 400/401/403/429/502/503 answers the auth layer can give, with their error body and
 * `WWW-Authenticate`/`Retry-After` headers; `@Public()` ones get `security: []` (no lock).
 * Docs cannot drift from the guards. Operation ids must be Nest's default
 * `<Controller>_<method>`. A string array as third argument is taken as `securitySchemes`.
 */
export function documentAuth(
  app: INestApplication,
  document: OpenAPIObject,
  options: readonly string[] | DocumentAuthOptions = {},
): OpenAPIObject {
  const settings: DocumentAuthOptions = isSchemeList(options)
    ? { securitySchemes: options }
    : options;
  const { securitySchemes = ['bearer'], errorSchema = DEFAULT_ERROR_SCHEMA } = settings;
  const routes = collectRoutes(app);
  let body: ReferenceObject | undefined;
  for (const item of Object.values<PathItemObject>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const auth = operation?.operationId ? routes.get(operation.operationId) : undefined;
      if (!operation || !auth) continue;
      if (auth.isPublic) {
        operation.security = [];
        continue;
      }
      body ??= ensureErrorSchema(document, errorSchema);
      describeProtected(operation, auth, securitySchemes, body);
      requireScopes(document, operation, auth, securitySchemes);
      if (auth.organization) offerOrganizationScope(document, securitySchemes);
    }
  }
  return document;
}

function isSchemeList(
  options: readonly string[] | DocumentAuthOptions,
): options is readonly string[] {
  return Array.isArray(options);
}

function describeProtected(
  op: OperationObject,
  auth: RouteAuth,
  schemes: readonly string[],
  body: ReferenceObject,
): void {
  op.security = schemes.map((scheme) => ({ [scheme]: [] }));
  const challenge = { 'WWW-Authenticate': WWW_AUTHENTICATE };
  // Optional on 400: a malformed URL or body is a 400 too, from the app, without a challenge.
  const maybeChallenge = { 'WWW-Authenticate': { ...WWW_AUTHENTICATE, required: false } };
  const retry = { 'Retry-After': RETRY_AFTER };
  const answer = (status: number, description: string, headers = {}, code?: AuthErrorCode) =>
    addErrorResponse(op, status, description, body, headers, code && example(code));
  answer(
    400,
    'Bad request, e.g. a bearer token sent twice',
    maybeChallenge,
    AuthErrorCode.InvalidRequest,
  );
  answer(
    401,
    'Missing, invalid, expired or revoked bearer token',
    challenge,
    AuthErrorCode.MissingToken,
  );
  const refusal = forbiddenWhen(auth);
  if (refusal) {
    addErrorResponse(op, 403, refusal, body, challenge, forbiddenExample(auth));
  }
  answer(
    429,
    'Too many failed authentications from this client address',
    retry,
    AuthErrorCode.TooManyFailures,
  );
  if (auth.introspected) {
    answer(
      502,
      'Keycloak introspection endpoint unreachable or refusing',
      {},
      AuthErrorCode.IntrospectionUnavailable,
    );
  }
  answer(
    503,
    'Token verification unavailable: signing keys cannot be fetched',
    retry,
    AuthErrorCode.KeysUnavailable,
  );
  if (auth.permissions) {
    answer(503, 'Keycloak authorization decision unavailable', retry);
  }
}

/** The body the one failure-to-HTTP mapping writes for this failure: docs cannot drift from it. */
function example(code: AuthErrorCode, details: AuthErrorDetails = {}): ErrorBodyExample {
  const { status, message } = toHttpResponse(new AuthError(code, details));
  return errorExample(status, message);
}

/** A 403 this route really answers: its first rule's refusal, as the mapping words it. */
function forbiddenExample(auth: RouteAuth): ErrorBodyExample {
  if (auth.allScopes)
    return example(AuthErrorCode.InsufficientScope, { requiredScopes: auth.allScopes });
  if (auth.anyScopes)
    return example(AuthErrorCode.InsufficientScope, { requiredAnyScopes: auth.anyScopes });
  if (auth.allRoles)
    return example(AuthErrorCode.InsufficientRoles, { missingRoles: auth.allRoles });
  if (auth.anyRoles)
    return example(AuthErrorCode.InsufficientRoles, { requiredAnyRoles: auth.anyRoles });
  if (auth.permissions)
    return example(AuthErrorCode.PermissionDenied, { permissions: auth.permissions });
  if (auth.organization) return example(AuthErrorCode.NotOrganizationMember);
  if (auth.realms) return example(AuthErrorCode.RealmNotAllowed);
  return example(AuthErrorCode.NotOwner, { ownerBypassRoles: auth.owner?.roles ?? [] });
}

/**
 * Lists the route's OAuth scopes in its security requirements for the document's OAuth2 and
 * OpenID Connect schemes (`@AnyScope`: one requirement per scope, any of which will do), and
 * declares each in the OAuth2 flows, so Swagger UI offers it at sign-in. Other schemes (a
 * pasted bearer token) keep `[]`, as OpenAPI 3.0 requires.
 */
function requireScopes(
  document: OpenAPIObject,
  op: OperationObject,
  auth: RouteAuth,
  schemes: readonly string[],
): void {
  if (!auth.allScopes && !auth.anyScopes) return;
  const all = auth.allScopes ?? [];
  const alternatives = auth.anyScopes ? auth.anyScopes.map((one) => [...all, one]) : [[...all]];
  const components = document.components?.securitySchemes ?? {};
  op.security = schemes.flatMap((name) => {
    const scheme = components[name];
    const scoped = scheme && 'type' in scheme && ['oauth2', 'openIdConnect'].includes(scheme.type);
    if (!scoped) return [{ [name]: [] }];
    if (scheme.type === 'oauth2') declareScopes(scheme, alternatives.flat());
    return alternatives.map((scopes) => ({ [name]: scopes }));
  });
}

/**
 * Keycloak puts the `organization` claim @RequireOrganization reads only in tokens asked for
 * with the `organization` scope (`organization:*`: every membership). Offered at sign-in, not
 * required: the route checks membership, not the scope.
 */
function offerOrganizationScope(document: OpenAPIObject, schemes: readonly string[]): void {
  const components = document.components?.securitySchemes ?? {};
  for (const name of schemes) {
    const scheme = components[name];
    if (scheme && 'type' in scheme && scheme.type === 'oauth2') {
      declareScopes(scheme, [ORGANIZATION_SCOPE], ORGANIZATION_SCOPE_TEXT);
    }
  }
}

const ORGANIZATION_SCOPE_TEXT =
  'Keycloak Organizations: your memberships in the token (routes naming an organization)';

/** The Keycloak scope that lists every organization the user belongs to in the token. */
const ORGANIZATION_SCOPE = 'organization:*';

/** Adds `scopes` to every flow of an OAuth2 scheme that does not list them yet. */
function declareScopes(
  scheme: SecuritySchemeObject,
  scopes: readonly string[],
  description = 'Required by some operations',
): void {
  for (const flow of Object.values(scheme.flows ?? {}) as Array<{ scopes?: ScopesObject }>) {
    flow.scopes ??= {};
    for (const scope of scopes) flow.scopes[scope] ??= description;
  }
}

/** Why the route can answer 403, or undefined when any valid token passes. */
function forbiddenWhen(auth: RouteAuth): string | undefined {
  const reasons: string[] = [];
  if (auth.allScopes) reasons.push(`Requires every scope of: ${auth.allScopes.join(', ')}`);
  if (auth.anyScopes) reasons.push(`Requires one scope of: ${auth.anyScopes.join(', ')}`);
  if (auth.allRoles) reasons.push(`Requires every role of: ${auth.allRoles.join(', ')}`);
  if (auth.anyRoles) reasons.push(`Requires one role of: ${auth.anyRoles.join(', ')}`);
  if (auth.permissions) {
    reasons.push(`Requires Keycloak permissions: ${auth.permissions.join(', ')}`);
  }
  if (auth.organization) {
    const where =
      'param' in auth.organization
        ? `path parameter ${auth.organization.param}`
        : `header ${auth.organization.header}`;
    reasons.push(`Requires membership of the organization named by ${where}`);
  }
  if (auth.realms) reasons.push(`Requires a token of the realm(s): ${auth.realms.join(', ')}`);
  if (auth.owner) {
    const bypass = auth.owner.roles.length
      ? `, or one role of: ${auth.owner.roles.join(', ')}`
      : '';
    reasons.push(`Requires owning the resource${bypass}`);
  }
  return reasons.length > 0 ? reasons.join('. ') : undefined;
}

/** Auth metadata of every controller method, keyed by Nest's default operation id. */
function collectRoutes(app: INestApplication): Map<string, RouteAuth> {
  const reflector = app.get(Reflector);
  const routes = new Map<string, RouteAuth>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        routes.set(`${controller.name}_${name}`, readRouteAuth(reflector, handler, controller));
      }
    }
  }
  return routes;
}
