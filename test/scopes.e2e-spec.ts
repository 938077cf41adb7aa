import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** GET /me needs the `profile` scope (@Scopes('profile')): what Keycloak grants by default. */
describe.each(ADAPTERS)('%s: OAuth scopes on GET /me (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, { adapter });
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  /** GET /me with carol's token, requested with `scope`. */
  const me = async (scope: string) => {
    const token = await keycloak.tokenFor('carol', { scope });
    return request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);
  };

  it('answers a token carrying the profile scope, whatever else it carries', async () => {
    const { status, body } = await me('openid profile email');
    expect(status).toBe(200);
    expect(body.scopes).toEqual(['openid', 'profile', 'email']);
    expect((await me('profile')).status).toBe(200);
  });

  it.each([['openid email'], [''], ['profiles']])(
    'refuses scope %p with 403 insufficient_scope naming profile',
    async (scope) => {
      const response = await me(scope);
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", error="insufficient_scope", error_description="Missing required scopes: profile", scope="profile"',
      );
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Missing required scopes: profile',
        error: 'Forbidden',
      });
    },
  );

  it('documents it: the OAuth2 requirement lists profile, and the 403 says why', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const operation = body.paths['/me'].get;
    expect(operation.security).toEqual([{ bearer: [] }, { oauth2: ['profile'] }]);
    expect(operation.responses['403'].description).toBe('Requires every scope of: profile');
    expect(body.components.securitySchemes.oauth2.flows.authorizationCode.scopes).toHaveProperty(
      'profile',
    );
  });
});
