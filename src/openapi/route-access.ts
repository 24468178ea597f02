import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { Role } from '../common/actor';
import { PUBLIC_KEY, ROLES_KEY } from '../common/decorators';

/** Who may call a route, read from the same metadata the global auth guard reads. */
export type RouteAccess = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'roles'; roles: Role[] };

/**
 * Every controller method's access, keyed by the OpenAPI operationId Nest's Swagger module gives it
 * (`<ControllerClass>_<method>`), so docs/api.md can say who may call each route.
 */
export function routeAccess(app: INestApplication): Map<string, RouteAccess> {
  const reflector = new Reflector();
  const access = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const targets = [handler, controller];
        const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
        access.set(
          `${controller.name}_${name}`,
          reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
            ? { kind: 'public' }
            : roles
              ? { kind: 'roles', roles }
              : { kind: 'signed-in' },
        );
      }
    }
  }
  return access;
}
