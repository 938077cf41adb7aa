import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { HttpAdapterName } from '../../../src/config/app.config.js';
import type { Method } from '../../support/route-table.js';
import { createTestApp } from '../../support/test-app.js';
import { keycloakTarget, KEYCLOAK_URL } from './keycloak.js';

/** Boots the real AppModule (realm demo, client nest-api) on `adapter` against the real Keycloak. */
export function startApp(
  adapter: HttpAdapterName,
  env: Record<string, string> = {},
  keycloakUrl = KEYCLOAK_URL,
): Promise<INestApplication> {
  return createTestApp(keycloakTarget(keycloakUrl), { adapter, env });
}

export type { Method } from '../../support/route-table.js';

/** One request to the app under test, with a bearer token when given. */
export function call(
  app: INestApplication,
  method: Method,
  path: string,
  token?: string,
): request.Test {
  const agent = request(app.getHttpServer());
  const test = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
  return token ? test.set('Authorization', `Bearer ${token}`) : test;
}

/** Creates an item as `adminToken` and returns its id. */
export async function newItem(app: INestApplication, adminToken: string): Promise<number> {
  const { body } = await call(app, 'POST', '/items', adminToken)
    .send({ name: 'kc-e2e item' })
    .expect(201);
  return (body as { id: number }).id;
}

/** Asserts an RFC 6750 `invalid_token` 401 with exactly this message, in body and header. */
export function expectInvalidToken(response: request.Response, message: string): void {
  expect({ status: response.status, body: response.body as unknown }).toEqual({
    status: 401,
    body: { statusCode: 401, message, error: 'Unauthorized' },
  });
  expect(response.headers['www-authenticate']).toBe(
    `Bearer realm="demo", error="invalid_token", error_description="${message}", DPoP algs="ES256 RS256 PS256"`,
  );
}
