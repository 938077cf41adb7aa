import request from 'supertest';
import { KeycloakStandIn, standInAuthOptions } from '../src/testing/index.js';
import { ADAPTERS, FixtureApps } from './fixtures/fixture-app.js';

describe.each(ADAPTERS)('a pinned issuer on %s', (adapter) => {
  let keycloak: KeycloakStandIn;
  const apps = new FixtureApps();

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
  });

  afterAll(async () => {
    await apps.closeAll();
    await keycloak.stop();
  });

  const start = (issuer: string) =>
    apps.start({ adapter, auth: standInAuthOptions(keycloak, { issuer }) });

  it('accepts tokens when discovery reports exactly the pinned issuer', async () => {
    const app = await start(keycloak.issuer);
    await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${await keycloak.tokenFor('alice')}`)
      .expect(200);
  });

  it('refuses every token with 503 when discovery reports another issuer', async () => {
    const app = await start('https://sso.example.com/realms/demo');
    const response = await request(app.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${await keycloak.tokenFor('alice')}`)
      .expect(503);
    expect(response.body.message).toBe('Token verification unavailable');
    expect(response.headers['retry-after']).toBe('30');
    // A token minted with the pinned issuer is refused too: the keys come from the wrong realm.
    await request(app.getHttpServer())
      .get('/me')
      .set(
        'Authorization',
        `Bearer ${await keycloak.tokenFor('alice', { iss: 'https://sso.example.com/realms/demo' })}`,
      )
      .expect(503);
    await request(app.getHttpServer()).get('/open').expect(200);
  });
});
