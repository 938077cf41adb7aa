import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from './support/keycloak-stand-in.js';
import { createTestApp } from './support/test-app.js';

describe('CORS and OpenAPI (Keycloak stand-in)', () => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak);
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      request(app.getHttpServer())
        .options('/items')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');

    it('allows a listed origin, with credentials and WWW-Authenticate exposed', async () => {
      const response = await preflight('http://localhost:5173');
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      const actual = await request(app.getHttpServer())
        .get('/items')
        .set('Origin', 'http://localhost:5173');
      expect(actual.status).toBe(401);
      expect(actual.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
    });

    it.each([
      'http://evil.example',
      'http://localhost:5174',
      'null',
      'http://localhost:5173.evil.example',
    ])('gives %s no Access-Control-Allow-Origin', async (origin) => {
      const response = await preflight(origin);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('OpenAPI document at /docs-json', () => {
    let doc: {
      components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
      paths: Record<
        string,
        Record<string, { security?: unknown; responses: Record<string, unknown> }>
      >;
    };

    beforeAll(async () => {
      doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as typeof doc;
    });

    it('declares the bearer scheme', () => {
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
    });

    it.each([
      ['/me', 'get'],
      ['/items', 'get'],
      ['/items', 'post'],
      ['/items/{id}', 'delete'],
      ['/admin/users', 'get'],
    ])('marks %s %s with the bearer lock and a 401 response', (path, method) => {
      const operation = doc.paths[path][method];
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.responses).toHaveProperty('401');
    });

    it.each([
      ['/items', 'post', '403'],
      ['/items', 'get', '403'],
      ['/admin/users', 'get', '403'],
      ['/items/{id}', 'delete', '502'],
    ])('documents %s %s → %s', (path, method, status) => {
      expect(doc.paths[path][method].responses).toHaveProperty(status);
    });

    it.each(['/health', '/health/ready'])('shows no lock on the public %s', (path) => {
      expect(doc.paths[path].get.security).toBeUndefined();
      expect(doc.paths[path].get.responses).not.toHaveProperty('401');
    });

    it('serves the Swagger UI at /docs', async () => {
      const response = await request(app.getHttpServer()).get('/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
    });
  });
});
