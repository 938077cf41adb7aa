import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject, OperationObject, PathItemObject } from '@nestjs/swagger';
import { ROLES_ANY_KEY } from '../decorators/any-role.decorator.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';
import { REQUIRE_ACTIVE_TOKEN_KEY } from '../decorators/require-active-token.decorator.js';
import { ROLES_ALL_KEY } from '../decorators/roles.decorator.js';

interface RouteAuth {
  isPublic: boolean;
  allRoles?: string[];
  anyRoles?: string[];
  introspected: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Marks each operation of an OpenAPI document with the access rules the guards enforce,
 * read from the same decorator metadata: protected operations get the security schemes and
 * their 401/403 responses; `@Public()` ones get no lock. Docs cannot drift from the guards.
 * Operation ids must be Nest's default `<Controller>_<method>`.
 */
export function documentAuth(
  app: INestApplication,
  document: OpenAPIObject,
  securitySchemes: readonly string[] = ['bearer'],
): OpenAPIObject {
  const routes = collectRoutes(app);
  for (const item of Object.values<PathItemObject>(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const auth = operation?.operationId ? routes.get(operation.operationId) : undefined;
      if (operation && auth) describeOperation(operation, auth, securitySchemes);
    }
  }
  return document;
}

function describeOperation(op: OperationObject, auth: RouteAuth, schemes: readonly string[]) {
  if (auth.isPublic) {
    delete op.security;
    return;
  }
  op.security = schemes.map((scheme) => ({ [scheme]: [] }));
  op.responses['401'] ??= { description: 'Missing, invalid or expired bearer token' };
  if (auth.allRoles) {
    op.responses['403'] ??= { description: `Requires every role of: ${auth.allRoles.join(', ')}` };
  } else if (auth.anyRoles) {
    op.responses['403'] ??= { description: `Requires one role of: ${auth.anyRoles.join(', ')}` };
  }
  if (auth.introspected) {
    op.responses['502'] ??= { description: 'Keycloak introspection endpoint unreachable' };
  }
  op.responses['503'] ??= { description: 'Signing keys unavailable (Keycloak unreachable)' };
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
        routes.set(`${controller.name}_${name}`, readAuth(reflector, handler, controller));
      }
    }
  }
  return routes;
}

type Target = Parameters<Reflector['get']>[1];

function readAuth(reflector: Reflector, handler: Target, controller: Target): RouteAuth {
  const own = <T>(key: string) => reflector.get<T | undefined>(key, handler);
  const inherited = <T>(key: string) =>
    reflector.getAllAndOverride<T | undefined>(key, [handler, controller]);
  const handlerHasRoles = own<string[]>(ROLES_ALL_KEY) || own<string[]>(ROLES_ANY_KEY);
  const roleSource = handlerHasRoles ? handler : controller;
  return {
    isPublic: inherited<boolean>(IS_PUBLIC_KEY) === true,
    allRoles: reflector.get<string[] | undefined>(ROLES_ALL_KEY, roleSource),
    anyRoles: reflector.get<string[] | undefined>(ROLES_ANY_KEY, roleSource),
    introspected: inherited<boolean>(REQUIRE_ACTIVE_TOKEN_KEY) === true,
  };
}
