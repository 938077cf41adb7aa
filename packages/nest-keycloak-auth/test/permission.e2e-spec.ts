import { jest } from '@jest/globals';
import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn, standInAuthOptions } from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp } from './fixtures/fixture-app.js';

/** @Permission('items#delete') against the stand-in's Authorization Services (demo policies). */
describe.each(ADAPTERS)('@Permission on %s (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let uncached: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createFixtureApp({ adapter, auth: standInAuthOptions(keycloak) });
    uncached = await createFixtureApp({
      adapter,
      auth: { ...standInAuthOptions(keycloak), authzDecisionTtlSeconds: 0 },
    });
  });

  afterAll(async () => {
    await Promise.all([app.close(), uncached.close()]);
    await keycloak.stop();
  });

  beforeEach(() => {
    keycloak.reset();
    keycloak.policies = new Map();
    keycloak.setPolicy('items#delete', ['api-admin']);
  });

  const get = (target: INestApplication, path: string, token: string) =>
    request(target.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('lets through a caller Keycloak grants, and asks once per token per TTL', async () => {
    const token = await keycloak.tokenFor('alice');
    await get(app, '/permitted', token).expect(200, { permitted: true });
    await get(app, '/permitted', token).expect(200);
    expect(keycloak.decisionRequests).toBe(1);
  });

  it('refuses a caller Keycloak denies with 403 insufficient_scope naming the permission', async () => {
    const response = await get(app, '/permitted', await keycloak.tokenFor('bob')).expect(403);
    expect(response.body).toEqual({
      statusCode: 403,
      message: 'Permission denied: items#delete',
      error: 'Forbidden',
    });
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="demo", error="insufficient_scope", error_description="Permission denied: items#delete"',
    );
  });

  it('follows a policy changed in Keycloak at run time (TTL 0: at once)', async () => {
    const token = await keycloak.tokenFor('bob');
    await get(uncached, '/permitted', token).expect(403);
    keycloak.setPolicy('items#delete', ['api-read']);
    await get(uncached, '/permitted', token).expect(200);
    keycloak.setPolicy('items#delete', ['api-admin']);
    await get(uncached, '/permitted', token).expect(403);
  });

  it('answers an unknown permission with 403 and an ERROR line naming it', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const response = await get(app, '/misconfigured', await keycloak.tokenFor('alice'));
      expect(response.status).toBe(403);
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({
          event: 'authorization_misconfigured',
          permission: 'itemz#delete',
          keycloakError: 'invalid_resource',
        }),
      );
    } finally {
      error.mockRestore();
    }
  });

  it('answers 503 with Retry-After while Keycloak cannot decide, and never grants', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      keycloak.setFault('token', { status: 500, body: '{"error":"unknown_error"}' });
      const response = await get(uncached, '/permitted', await keycloak.tokenFor('alice'));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body.message).toBe('Authorization decision unavailable');
    } finally {
      keycloak.setFault('token', undefined);
      jest.restoreAllMocks();
    }
  });
});
