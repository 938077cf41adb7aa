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

  const start = (providers: Provider[] = []) =>
    apps.start({
      adapter,
      auth: { ...standInAuthOptions(keycloak), registerGlobally: false },
      providers,
    });

  it('registers no guard of its own: a role route answers without a token', async () => {
    const app = await start();
    await request(app.getHttpServer()).get('/admin').expect(200);
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
      expect(response.headers['www-authenticate']).toBe('Bearer realm="demo"');
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
