import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject, OperationObject, PathItemObject } from '@nestjs/swagger';
import { readRouteAuth, type RouteAuth } from '../metadata/route-auth.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Marks each operation of an OpenAPI document with the access rules the guards enforce,
 * read by the same function the guards use: protected operations get the security schemes and
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
        routes.set(`${controller.name}_${name}`, readRouteAuth(reflector, handler, controller));
      }
    }
  }
  return routes;
}
