import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/**
 * KEYCLOAK_REALMS=demo,partners: the stand-in serves demo, partners and `others` (a realm of
 * the same server that is not on the list). paula is the partners realm's user (api-read).
 */
describe.each(ADAPTERS)('%s: several realms (Keycloak stand-in)', (adapter) => {
  let demo: KeycloakStandIn;
  let partners: KeycloakStandIn;
  let others: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    demo = await KeycloakStandIn.start({ realms: ['partners', 'others'] });
    partners = demo.realmNamed('partners');
    others = demo.realmNamed('others');
    app = await createTestApp(demo, { adapter, env: { KEYCLOAK_REALMS: 'demo,partners' } });
  });

  afterAll(async () => {
    await app.close();
    await demo.stop();
  });

  const get = (path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const paula = () => partners.mintAccessToken({ username: 'paula' });

  it('answers GET /me for both realms, naming the realm', async () => {
    const alice = await get('/me', await demo.tokenFor('alice')).expect(200);
    expect(alice.body).toMatchObject({ username: 'alice', realm: 'demo' });
    const partner = await get('/me', await paula()).expect(200);
    expect(partner.body).toMatchObject({
      username: 'paula',
      realm: 'partners',
      clientRoles: ['api-read'],
    });
  });

  it("applies the partners realm's client roles: paula (api-read) reads items, cannot create", async () => {
    await get('/items', await paula()).expect(200);
    await request(app.getHttpServer())
      .post('/items')
      .set('Authorization', `Bearer ${await paula()}`)
      .send({ name: 'x' })
      .expect(403);
  });

  it.each([
    ['paula of partners', 200],
    ['alice of demo', 403],
  ] as const)('GET /partners/ping (@Realms) as %s → %i', async (who, status) => {
    const token = who === 'paula of partners' ? await paula() : await demo.tokenFor('alice');
    const response = await get('/partners/ping', token).expect(status);
    if (status === 200)
      expect(response.body).toMatchObject({ realm: 'partners', username: 'paula' });
    else expect(response.body.message).toBe("Tokens of this token's realm may not call this route");
  });

  it('refuses a token of an unlisted realm with 401 before any request to Keycloak', async () => {
    const token = await others.mintAccessToken({ username: 'alice' });
    [demo, partners, others].forEach((realm) => realm.resetCounts());
    await get('/me', token).expect(401);
    const counts = [demo, partners, others].map((realm) => ({ ...realm.requests }));
    expect(counts.every((count) => Object.values(count).every((n) => n === 0))).toBe(true);
  });
});

describe.each(ADAPTERS)('%s: one realm (KEYCLOAK_REALM=demo)', (adapter) => {
  it('refuses GET /partners/ping to every demo token with 403, and keeps GET /me', async () => {
    const demo = await KeycloakStandIn.start();
    const app = await createTestApp(demo, { adapter });
    try {
      const token = await demo.tokenFor('alice');
      const server = app.getHttpServer();
      await request(server)
        .get('/partners/ping')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
      const me = await request(server)
        .get('/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(me.body.realm).toBe('demo');
    } finally {
      await app.close();
      await demo.stop();
    }
  });
});
