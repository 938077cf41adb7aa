import { Injectable, type INestApplication, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import request from 'supertest';
import {
  AuthError,
  AuthErrorCode,
  AuthErrorFilter,
  IntrospectionInterceptor,
  JwtAuthGuard,
  RolesGuard,
  ScopesGuard,
  type AuthPrincipal,
  type GuardedRequest,
} from '../src/index.js';
import { KeycloakStandIn, standInAuthOptions } from '../src/testing/index.js';
import { ADAPTERS, FixtureApps } from './fixtures/fixture-app.js';

/** The README's example: a JwtAuthGuard that also checks the caller's tenant header. */
@Injectable()
class TenantJwtAuthGuard extends JwtAuthGuard {
  protected override async authenticate(
    token: string,
    request: GuardedRequest,
  ): Promise<AuthPrincipal> {
    const principal = await super.authenticate(token, request);
    if (request.headers['x-tenant'] !== principal.claims.tenant) {
      throw new AuthError(AuthErrorCode.InsufficientRoles);
    }
    return principal;
  }
}

describe.each(ADAPTERS)('registerGlobally: false on %s', (adapter) => {
  let keycloak: KeycloakStandIn;
  const apps = new FixtureApps();

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
  });

  afterAll(async () => {
    await apps.closeAll();
    await keycloak.stop();
  });

  // No introspection cache: a second introspection of one request would reach the stand-in.
  const start = (providers: Provider[] = []) =>
    apps.start({
      adapter,
      auth: {
        ...standInAuthOptions(keycloak, { introspectionCacheTtlSeconds: 0 }),
        registerGlobally: false,
      },
      providers,
    });

  it('registers no guard of its own: a role route answers without a token', async () => {
    const app = await start();
    await request(app.getHttpServer()).get('/admin').expect(200);
  });

  describe('with the guards and filter registered, and no interceptor', () => {
    let app: INestApplication;
    const active = (token: string) =>
      request(app.getHttpServer()).get('/active').set('Authorization', `Bearer ${token}`);

    beforeAll(async () => {
      app = await start([
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: AuthErrorFilter },
      ]);
    });

    it('still introspects a @RequireActiveToken route: the decorator brings its interceptor', async () => {
      await active(await keycloak.tokenFor('alice')).expect(200);
      const revoked = await keycloak.tokenFor('alice');
      keycloak.revoke(revoked);
      const { body } = await active(revoked).expect(401);
      expect(body.message).toBe('Token is no longer active');
    });
  });

  describe("with the app's own subclass registered", () => {
    let app: INestApplication;
    const me = (token: string | undefined, tenant: string) => {
      const call = request(app.getHttpServer()).get('/me').set('X-Tenant', tenant);
      return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
    };

    beforeAll(async () => {
      app = await start([
        { provide: APP_GUARD, useClass: TenantJwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_GUARD, useClass: ScopesGuard },
        { provide: APP_INTERCEPTOR, useClass: IntrospectionInterceptor },
        { provide: APP_FILTER, useClass: AuthErrorFilter },
      ]);
    });

    it('runs the subclass: the right tenant passes', async () => {
      const token = await keycloak.tokenFor('alice', { extra: { tenant: 'acme' } });
      await me(token, 'acme').expect(200);
    });

    it('runs the subclass: another tenant is refused with 403', async () => {
      const token = await keycloak.tokenFor('alice', { extra: { tenant: 'acme' } });
      const { body } = await me(token, 'globex').expect(403);
      expect(body.message).toBe('Insufficient permissions');
    });

    it('keeps the base checks: no token is a 401 with the RFC 6750 challenge', async () => {
      const response = await me(undefined, 'acme').expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
      );
    });

    it('asks Keycloak once per request although the interceptor is registered app-wide too', async () => {
      const token = await keycloak.tokenFor('alice', { extra: { tenant: 'acme' } });
      const before = keycloak.requests.introspect;
      await request(app.getHttpServer())
        .get('/active')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Tenant', 'acme')
        .expect(200);
      expect(keycloak.requests.introspect - before).toBe(1);
    });

    it('keeps the ScopesGuard the app registered', async () => {
      const token = await keycloak.tokenFor('bob', { scope: 'profile', extra: { tenant: 'acme' } });
      await request(app.getHttpServer())
        .get('/items')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Tenant', 'acme')
        .expect(403);
    });

    it('keeps the RolesGuard the app registered', async () => {
      const token = await keycloak.tokenFor('bob', { extra: { tenant: 'acme' } });
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${token}`)
        .set('X-Tenant', 'acme')
        .expect(403);
    });
  });
});
