import type { INestApplication } from '@nestjs/common';
import { KeycloakStandIn, standInAuthOptions } from 'nest-keycloak-auth/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { ADAPTERS, createApp } from '../src/create-app.js';

describe.each(ADAPTERS)('service-account token on %s', (adapter) => {
  let standIn: KeycloakStandIn;
  let app: INestApplication;
  let alice: string;

  beforeAll(async () => {
    standIn = await KeycloakStandIn.start();
    app = await createApp(AppModule.forRoot(standInAuthOptions(standIn)), adapter, {
      logger: false,
    });
    alice = await standIn.tokenFor('alice');
  });

  afterAll(async () => {
    await app.close();
    await standIn.stop();
  });

  const serviceToken = () =>
    request(app.getHttpServer()).get('/service-token').auth(alice, { type: 'bearer' });

  it('reports whether it got a token when Keycloak refuses the client', async () => {
    standIn.failNext('token', { status: 401 });

    const response = await serviceToken();

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ obtained: false });
  });

  it('gets a client-credentials token once and reuses it', async () => {
    standIn.resetCounts();

    const first = await serviceToken();
    const second = await serviceToken();

    expect(first.body).toEqual({ obtained: true });
    expect(second.body).toEqual({ obtained: true });
    expect(standIn.requests.token).toBe(1);
  });
});
