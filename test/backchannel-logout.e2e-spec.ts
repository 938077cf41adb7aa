import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort } from './support/child-app.js';
import { createTestApp } from './support/test-app.js';
import { sample } from './support/scrape.js';

const PATH = '/auth/backchannel-logout';

describe.each(ADAPTERS)('%s: OIDC Back-Channel Logout in the app', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let metricsUrl: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    app = await createTestApp(keycloak, {
      adapter,
      env: { BACKCHANNEL_LOGOUT_AUDIENCES: 'nest-api-web', METRICS_PORT: String(port) },
    });
    await app.listen(0, '127.0.0.1');
    keycloak.registerBackchannelLogout(`${await app.getUrl()}${PATH}`);
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it('ends a session posted by Keycloak: its token is refused, and each logout is counted', async () => {
    const sid = randomUUID();
    const token = await keycloak.tokenFor('bob', { sid });
    const me = () =>
      request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${token}`);
    await me().expect(200);

    expect(await keycloak.endSession({ sid, username: 'bob' })).toBe(200);
    const refused = await me().expect(401);
    expect(refused.body).toMatchObject({ message: 'Token is no longer active' });
    const forged = await keycloak.logoutToken({ sid, forge: 'alg-none' });
    const answer = await request(app.getHttpServer())
      .post(PATH)
      .type('form')
      .send({ logout_token: forged })
      .expect(400);
    expect(answer.body).toEqual({
      error: 'invalid_request',
      error_description: 'The logout token signature is not valid',
    });
    expect(answer.headers['cache-control']).toBe('no-store');

    const scrape = await (await fetch(metricsUrl)).text();
    const logouts = (outcome: string, reason: string) =>
      sample(scrape, `backchannel_logouts_total{outcome="${outcome}",reason="${reason}"}`);
    expect(logouts('applied', 'ok')).toBe(1);
    expect(logouts('refused', 'ERR_LOGOUT_INVALID_SIGNATURE')).toBe(1);
  });

  it("leaves the route out of the app's OpenAPI document: Keycloak calls it, not clients", async () => {
    const document = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys((document.body as { paths: object }).paths)).not.toContain(PATH);
  });
});
