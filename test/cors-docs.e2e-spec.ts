import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import { discoveryDocument, KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

interface OAuth2Flow {
  authorizationUrl: string;
  tokenUrl: string;
  refreshUrl?: string;
  scopes: Record<string, string>;
}

interface OpenApiDoc {
  components: {
    securitySchemes: Record<
      string,
      { type: string; scheme?: string; flows?: { authorizationCode?: OAuth2Flow } }
    >;
  };
  paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
}

/** What Swagger UI's init script hands the browser: `let options = {...};`. */
interface SwaggerInit {
  swaggerDoc: OpenApiDoc;
  customOptions: { initOAuth?: Record<string, unknown> } & Record<string, unknown>;
}

async function swaggerInit(app: INestApplication): Promise<{ text: string; init: SwaggerInit }> {
  const response = await request(app.getHttpServer()).get('/docs/swagger-ui-init.js').expect(200);
  const json = /let options = (\{[\s\S]*?\});\n/.exec(response.text)?.[1];
  if (!json) throw new Error('no options object in swagger-ui-init.js');
  return { text: response.text, init: JSON.parse(json) as SwaggerInit };
}

const flowOf = (doc: OpenApiDoc) => doc.components.securitySchemes.oauth2?.flows?.authorizationCode;

describe.each(ADAPTERS)('%s: CORS and OpenAPI (Keycloak stand-in)', (adapter) => {
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

    it.each(['GET', 'POST', 'DELETE'])('lets a listed origin send %s', async (method) => {
      const response = await request(app.getHttpServer())
        .options('/items/1')
        .set('Origin', 'http://localhost:5173')
        .set('Access-Control-Request-Method', method)
        .expect(204);
      expect(response.headers['access-control-allow-methods']).toContain(method);
    });

    it('adds only Vary: Origin to a request without Origin (not a CORS request)', async () => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.headers.vary).toBe('Origin');
      const cors = Object.keys(response.headers).filter((h) => h.startsWith('access-control-'));
      expect(cors).toEqual([]);
    });

    it('sends no X-Powered-By header', async () => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.headers['x-powered-by']).toBeUndefined();
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
    let doc: OpenApiDoc;

    beforeAll(async () => {
      doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDoc;
    });

    it('declares the bearer scheme', () => {
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
    });

    it.each([
      ['/items', 'get'],
      ['/items', 'post'],
      ['/items/{id}', 'delete'],
      ['/admin/users', 'get'],
    ])('marks %s %s with the bearer-or-oauth2 lock and a 401 response', (path, method) => {
      const operation = doc.paths[path][method];
      expect(operation.security).toEqual([{ bearer: [] }, { oauth2: [] }]);
      expect(operation.responses).toHaveProperty('401');
    });

    it('marks GET /me with the profile scope under oauth2 (@Scopes), and a 403', () => {
      const operation = doc.paths['/me'].get;
      expect(operation.security).toEqual([{ bearer: [] }, { oauth2: ['profile'] }]);
      expect(operation.responses).toHaveProperty('403');
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
      // `security: []` says "no token needed" even if the document ever gets a root `security`.
      expect(doc.paths[path].get.security).toEqual([]);
      expect(doc.paths[path].get.responses).not.toHaveProperty('401');
    });

    it("declares an OAuth2 authorization-code scheme on the stand-in's discovered endpoints", () => {
      const oidc = `${keycloak.issuer}/protocol/openid-connect`;
      expect(flowOf(doc)).toEqual({
        authorizationUrl: `${oidc}/auth`,
        tokenUrl: `${oidc}/token`,
        refreshUrl: `${oidc}/token`,
        // openid for the sign-in, profile because GET /me requires it (@Scopes('profile')),
        // organization:* (offered, not required) so GET /orgs/:org finds the memberships.
        scopes: {
          openid: expect.any(String) as string,
          profile: expect.any(String) as string,
          'organization:*': expect.stringMatching(/^Keycloak Organizations/) as string,
        },
      });
    });

    it('serves the Swagger UI at /docs/, redirecting /docs there (relative, query kept)', async () => {
      const server = app.getHttpServer();
      await request(server).get('/docs').expect(301).expect('Location', 'docs/');
      await request(server).get('/docs?x=1').expect(301).expect('Location', 'docs/?x=1');
      const response = await request(server).get('/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
      await request(server).get('/docs/oauth2-redirect.html').expect(200);
    });
  });

  describe('Swagger UI sign-in (what /docs sends the browser)', () => {
    let init: SwaggerInit;
    let initText: string;
    let docText: string;

    beforeAll(async () => {
      ({ init, text: initText } = await swaggerInit(app));
      docText = (await request(app.getHttpServer()).get('/docs-json').expect(200)).text;
    });

    it('signs in as the public client nest-api-web with PKCE and scope openid', () => {
      expect(init.customOptions.initOAuth).toEqual({
        clientId: 'nest-api-web',
        scopes: ['openid'],
        usePkceWithAuthorizationCodeGrant: true,
      });
    });

    it("carries the oauth2 scheme on the stand-in's endpoints", () => {
      expect(flowOf(init.swaggerDoc)?.authorizationUrl).toBe(
        `${keycloak.issuer}/protocol/openid-connect/auth`,
      );
      expect(flowOf(init.swaggerDoc)?.tokenUrl).toBe(
        `${keycloak.issuer}/protocol/openid-connect/token`,
      );
    });

    it.each([
      ['/docs-json', () => docText],
      ['/docs/swagger-ui-init.js', () => initText],
    ])('never sends a client secret in %s', (_name, text) => {
      expect(text()).not.toContain(keycloak.clientSecret);
      expect(text()).not.toMatch(/client_?secret/i);
    });
  });
});

describe.each(ADAPTERS)(
  '%s: Swagger UI OAuth2 endpoints: discovered, derived, refreshed',
  (adapter) => {
    let keycloak: KeycloakStandIn;
    let app: INestApplication | undefined;

    beforeAll(async () => {
      keycloak = await KeycloakStandIn.start();
    });

    afterEach(async () => {
      await app?.close();
      app = undefined;
      keycloak.clearFaults();
    });

    afterAll(async () => {
      await keycloak.stop();
    });

    const flow = async (target: INestApplication) =>
      flowOf((await swaggerInit(target)).init.swaggerDoc);

    it("uses the discovery document's endpoints, not derived ones", async () => {
      const publicHost = `http://localhost:${keycloak.port}/realms/demo/protocol/openid-connect`;
      const document = {
        ...discoveryDocument(keycloak.issuer),
        authorization_endpoint: `${publicHost}/auth`,
        token_endpoint: `${publicHost}/token`,
      };
      keycloak.failNext('discovery', { body: JSON.stringify(document) });
      app = await createTestApp(keycloak, { adapter });
      expect(await flow(app)).toMatchObject({
        authorizationUrl: `${publicHost}/auth`,
        tokenUrl: `${publicHost}/token`,
      });
    });

    it('takes a back-channel token endpoint (docker compose) from under the public issuer', async () => {
      const document = {
        ...discoveryDocument(keycloak.issuer),
        token_endpoint: 'http://keycloak:8080/realms/demo/protocol/openid-connect/token',
      };
      keycloak.failNext('discovery', { body: JSON.stringify(document) });
      app = await createTestApp(keycloak, { adapter });
      expect((await flow(app))?.tokenUrl).toBe(`${keycloak.issuer}/protocol/openid-connect/token`);
    });

    it('falls back to derived endpoints while discovery fails, and follows a later success', async () => {
      keycloak.failNext('discovery', { status: 503 });
      app = await createTestApp(keycloak, { adapter, env: { SWAGGER_CLIENT_ID: 'team-web' } });
      const derived = `${keycloak.issuer}/protocol/openid-connect`;
      expect(await flow(app)).toMatchObject({
        authorizationUrl: `${derived}/auth`,
        tokenUrl: `${derived}/token`,
      });
      expect((await swaggerInit(app)).init.customOptions.initOAuth?.clientId).toBe('team-web');

      const publicHost = `http://localhost:${keycloak.port}/realms/demo/protocol/openid-connect`;
      const document = {
        ...discoveryDocument(keycloak.issuer),
        authorization_endpoint: `${publicHost}/auth`,
      };
      keycloak.failNext('discovery', { body: JSON.stringify(document) });
      expect(await app.get(OidcDiscoveryService).discover()).toBe(true);
      expect((await flow(app))?.authorizationUrl).toBe(`${publicHost}/auth`);
    });
  },
);
