import { jest } from '@jest/globals';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AnyRole } from '../decorators/any-role.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { IS_PUBLIC_KEY } from './metadata-keys.js';
import { RequireActiveToken } from '../decorators/require-active-token.decorator.js';
import { Realms } from '../decorators/realms.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import { readRouteAuth, RouteAuthCache, type RouteAuth } from './route-auth.js';

class Plain {
  bare(): void {}
  @Public() open(): void {}
  @Roles('a', 'b') all(): void {}
  @AnyRole('a', 'b') any(): void {}
  @RequireActiveToken() live(): void {}
}

@Public()
class PublicClass {
  bare(): void {}
  @Roles('a') roles(): void {}
  @RequireActiveToken() live(): void {}
  @SetMetadata(IS_PUBLIC_KEY, false) closed(): void {}
  @Realms('partners') realm(): void {}
}

@Realms('partners')
class PartnersClass {
  bare(): void {}
  @Realms('demo') own(): void {}
}

@Roles('admin')
@RequireActiveToken()
class StrictClass {
  bare(): void {}
  @AnyRole('read') any(): void {}
  @Public() open(): void {}
  @SetMetadata('auth:introspect', false) cached(): void {}
}

const PUBLIC: RouteAuth = { isPublic: true, introspected: false, dpop: false };
const protectedWith = (extra: Partial<RouteAuth> = {}): RouteAuth => ({
  isPublic: false,
  allRoles: undefined,
  anyRoles: undefined,
  introspected: false,
  dpop: false,
  ...extra,
});

describe('readRouteAuth: the one precedence rule', () => {
  const reflector = new Reflector();
  it.each<[string, object, (...args: never[]) => unknown, RouteAuth]>([
    ['an undecorated route', Plain, Plain.prototype.bare, protectedWith()],
    ['@Public()', Plain, Plain.prototype.open, PUBLIC],
    ['@Roles', Plain, Plain.prototype.all, protectedWith({ allRoles: ['a', 'b'] })],
    ['@AnyRole', Plain, Plain.prototype.any, protectedWith({ anyRoles: ['a', 'b'] })],
    ['@RequireActiveToken', Plain, Plain.prototype.live, protectedWith({ introspected: true })],
    ['a public class', PublicClass, PublicClass.prototype.bare, PUBLIC],
    [
      'handler @Roles on a public class (its demand needs a token)',
      PublicClass,
      PublicClass.prototype.roles,
      protectedWith({ allRoles: ['a'] }),
    ],
    [
      'handler @RequireActiveToken on a public class',
      PublicClass,
      PublicClass.prototype.live,
      protectedWith({ introspected: true }),
    ],
    [
      'handler public=false on a public class',
      PublicClass,
      PublicClass.prototype.closed,
      protectedWith(),
    ],
    [
      'class roles and introspection, inherited',
      StrictClass,
      StrictClass.prototype.bare,
      protectedWith({ allRoles: ['admin'], introspected: true }),
    ],
    [
      'handler @AnyRole replacing class @Roles, keeping class introspection',
      StrictClass,
      StrictClass.prototype.any,
      protectedWith({ anyRoles: ['read'], introspected: true }),
    ],
    [
      'handler @Public() on a strict class: nothing else applies',
      StrictClass,
      StrictClass.prototype.open,
      PUBLIC,
    ],
    [
      'class @Realms, inherited',
      PartnersClass,
      PartnersClass.prototype.bare,
      protectedWith({ realms: ['partners'] }),
    ],
    [
      'handler @Realms replacing the class list',
      PartnersClass,
      PartnersClass.prototype.own,
      protectedWith({ realms: ['demo'] }),
    ],
    [
      'handler @Realms on a public class (its demand needs a token)',
      PublicClass,
      PublicClass.prototype.realm,
      protectedWith({ realms: ['partners'] }),
    ],
    [
      'handler introspection off on a class that asks for it',
      StrictClass,
      StrictClass.prototype.cached,
      protectedWith({ allRoles: ['admin'] }),
    ],
  ])('%s', (_label, controller, handler, expected) => {
    expect(readRouteAuth(reflector, handler, controller as never)).toEqual(expected);
  });

  it('resolves a route once and then answers from the cache', () => {
    const spy = new Reflector();
    const get = jest.spyOn(spy, 'get');
    const cache = new RouteAuthCache(spy);
    const first = cache.get(Plain.prototype.all, Plain);
    const calls = get.mock.calls.length;
    expect(cache.get(Plain.prototype.all, Plain)).toBe(first);
    expect(get.mock.calls.length).toBe(calls);
  });

  it('shares one cache per Reflector, so every guard resolves a route once', () => {
    const reflector = new Reflector();
    expect(RouteAuthCache.for(reflector)).toBe(RouteAuthCache.for(reflector));
    expect(RouteAuthCache.for(reflector)).not.toBe(RouteAuthCache.for(new Reflector()));
  });

  it('keeps one inherited handler apart per controller class', () => {
    class Base {
      list(): void {}
    }
    @Public()
    class OpenChild extends Base {}
    class ClosedChild extends Base {}
    const cache = new RouteAuthCache(new Reflector());
    expect(cache.get(Base.prototype.list, OpenChild).isPublic).toBe(true);
    expect(cache.get(Base.prototype.list, ClosedChild).isPublic).toBe(false);
  });
});
