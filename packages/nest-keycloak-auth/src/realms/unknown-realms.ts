import type { Type } from '@nestjs/common';
import type { ModulesContainer, Reflector } from '@nestjs/core';
import { REALMS_KEY } from '../metadata/metadata-keys.js';

/** A route or controller whose `@Realms` names realms the allow-list lacks. */
export interface UnknownRealmUse {
  /** `Controller.method`, or `Controller` for class metadata. */
  readonly route: string;
  readonly unknown: readonly string[];
}

/** Every `@Realms` use, on a controller or a handler, naming a realm not in `accepted`. */
export function routesNamingUnknownRealms(
  modules: ModulesContainer,
  reflector: Reflector,
  accepted: readonly string[],
): UnknownRealmUse[] {
  const found: UnknownRealmUse[] = [];
  const check = (target: object, route: string) => {
    const named = reflector.get<string[] | undefined>(REALMS_KEY, target as Type) ?? [];
    const unknown = named.filter((realm) => !accepted.includes(realm));
    if (unknown.length > 0) found.push({ route, unknown });
  };
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      check(controller, controller.name);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name !== 'constructor' && typeof handler === 'function') {
          check(handler, `${controller.name}.${name}`);
        }
      }
    }
  }
  return found;
}
