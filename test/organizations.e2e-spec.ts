import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** GET /orgs/{org} (@RequireOrganization): alice and dave are in acme, bob in globex. */
describe.each(ADAPTERS)('%s: Keycloak Organizations on GET /orgs/{org}', (adapter) => {
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

  const org = async (
    path: string,
    user: 'alice' | 'bob' | 'carol',
    scope = 'openid organization:*',
  ) =>
    request(app.getHttpServer())
      .get(`/orgs/${path}`)
      .set('Authorization', `Bearer ${await keycloak.tokenFor(user, { scope })}`);

  it('answers a member with the organization as the token names it', async () => {
    const response = await org('acme', 'alice');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ alias: 'acme' });
    expect((await org('globex', 'bob')).status).toBe(200);
  });

  it('hands over the id and attributes when the claim carries them', async () => {
    const token = await keycloak.tokenFor('alice', {
      extra: { organization: { acme: { id: '62fc-1', tier: ['gold'] } } },
    });
    const { status, body } = await request(app.getHttpServer())
      .get('/orgs/acme')
      .set('Authorization', `Bearer ${token}`);
    expect(status).toBe(200);
    expect(body).toEqual({ alias: 'acme', id: '62fc-1', attributes: { tier: ['gold'] } });
  });

  it.each([
    ['a member of another organization', 'globex', 'alice', 'openid organization:*'],
    ['a user in no organization', 'acme', 'carol', 'openid organization:*'],
    ['a token requested without an organization scope', 'acme', 'alice', 'openid profile'],
    ['an organization that does not exist', 'initech', 'alice', 'openid organization:*'],
  ] as const)('refuses %s with 403', async (_label, path, user, scope) => {
    const response = await org(path, user, scope);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      statusCode: 403,
      message: 'Not a member of this organization',
      error: 'Forbidden',
    });
  });

  it('refuses an anonymous caller with 401', async () => {
    await request(app.getHttpServer()).get('/orgs/acme').expect(401);
  });
});
