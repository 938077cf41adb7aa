import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn, standInAuthOptions, type MintOptions } from '../src/testing/index.js';
import { ADAPTERS, createFixtureApp } from './fixtures/fixture-app.js';
import { rawGet } from './support/raw-request.js';

describe.each(ADAPTERS)('the library on %s (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const get = (path: string, token?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createFixtureApp({ adapter, auth: standInAuthOptions(keycloak) });
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  describe('route × caller', () => {
    // alice: api-admin, bob: api-read, carol: no API role.
    it.each([
      ['/open', undefined, 200],
      ['/me', undefined, 401],
      ['/me', 'carol', 200],
      ['/admin', 'alice', 200],
      ['/admin', 'bob', 403],
      ['/read', 'bob', 200],
      ['/read', 'alice', 200],
      ['/read', 'carol', 403],
      ['/active', 'alice', 200],
      ['/active', undefined, 401],
    ] as const)('GET %s as %s answers %i', async (path, user, status) => {
      const token = user === undefined ? undefined : await keycloak.tokenFor(user);
      await get(path, token).expect(status);
    });
  });

  it('answers a missing token with 401 and a bare RFC 6750 challenge', async () => {
    const response = await get('/me').expect(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
    );
    expect(response.body).toEqual({
      statusCode: 401,
      message: 'Missing bearer token',
      error: 'Unauthorized',
    });
  });

  it('answers a role refusal with 403 insufficient_scope naming the missing role', async () => {
    const response = await get('/admin', await keycloak.tokenFor('bob')).expect(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: api-admin"',
    );
  });

  describe('OAuth scopes (the `scope` claim)', () => {
    const withScope = (user: 'alice' | 'bob', scope: string) => keycloak.tokenFor(user, { scope });

    it.each([
      ['/write', 'alice', 'openid items:write', 200],
      ['/write', 'alice', 'openid items:read', 403],
      ['/write', 'bob', 'openid items:write', 403],
      ['/items', 'bob', 'profile items:read', 200],
      ['/items', 'bob', 'items:write', 200],
      ['/items', 'bob', 'openid profile email', 403],
    ] as const)('GET %s as %s with scope %p answers %i', async (path, user, scope, status) => {
      await get(path, await withScope(user, scope)).expect(status);
    });

    it('answers a scope refusal with 403 insufficient_scope and the scope attribute (RFC 6750 §3)', async () => {
      const response = await get('/write', await withScope('alice', 'openid')).expect(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", error="insufficient_scope", error_description="Missing required scopes: items:write", scope="items:write"',
      );
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Missing required scopes: items:write',
        error: 'Forbidden',
      });
    });
  });

  describe('Keycloak Organizations (the organization claim)', () => {
    const inOrganizations = (organization: unknown) =>
      keycloak.tokenFor('alice', { extra: { organization } });

    it('hands a member the organization the path names, in one shape whatever the claim form', async () => {
      const list = await inOrganizations(['globex', 'acme']);
      expect((await get('/orgs/acme', list).expect(200)).body).toEqual({ alias: 'acme' });
      const detailed = await inOrganizations({ acme: { id: 'id-1', tier: ['gold'] } });
      expect((await get('/orgs/acme', detailed).expect(200)).body).toEqual({
        alias: 'acme',
        id: 'id-1',
        attributes: { tier: ['gold'] },
      });
    });

    it('refuses a member of another organization, and a token without the claim, with 403', async () => {
      for (const token of [await inOrganizations(['globex']), await keycloak.tokenFor('alice')]) {
        const response = await get('/orgs/acme', token).expect(403);
        expect(response.body.message).toBe('Not a member of this organization');
        expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
      }
    });

    it('reads the organization from a header; without it the request is a 400', async () => {
      const token = await inOrganizations(['acme']);
      const tenant = () =>
        request(app.getHttpServer()).get('/tenant').set('Authorization', `Bearer ${token}`);
      expect((await tenant().set('X-Organization', 'acme').expect(200)).body).toEqual({
        alias: 'acme',
      });
      await tenant().set('X-Organization', 'globex').expect(403);
      const { body } = await tenant().expect(400);
      expect(body.message).toBe('Organization not named: header X-Organization');
    });
  });

  it('hands the verified principal to @CurrentUser', async () => {
    const token = await keycloak.tokenFor('carol');
    const { body } = await get('/me', token).expect(200);
    expect(body).toEqual({ sub: keycloak.accessClaims({ username: 'carol' }).sub });
  });

  it('refuses a revoked token on a @RequireActiveToken route, and only there', async () => {
    const token = await keycloak.tokenFor('alice');
    keycloak.revoke(token);
    const { body } = await get('/active', token).expect(401);
    expect(body.message).toBe('Token is no longer active');
    await get('/me', token).expect(200);
  });

  it('asks Keycloak once for two calls with one token (introspection cache)', async () => {
    const token = await keycloak.tokenFor('bob');
    const before = keycloak.requests.introspect;
    await get('/active', token).expect(200);
    await get('/active', token).expect(200);
    expect(keycloak.requests.introspect - before).toBe(1);
  });

  describe('RFC 6750: one token, one way', () => {
    const invalidRequest =
      'Bearer realm="demo", error="invalid_request", error_description="Bearer token sent more than once"';

    it('refuses a header plus ?access_token= with 400 invalid_request', async () => {
      const token = await keycloak.tokenFor('alice');
      const response = await request(app.getHttpServer())
        .get(`/me?access_token=${token}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(400);
      expect(response.headers['www-authenticate']).toBe(invalidRequest);
      expect(response.body).toEqual({
        statusCode: 400,
        message: 'Bearer token sent more than once',
        error: 'Bad Request',
      });
    });

    it('refuses a header plus access_token in a form body with 400', async () => {
      const token = await keycloak.tokenFor('alice');
      const response = await request(app.getHttpServer())
        .post('/echo')
        .set('Authorization', `Bearer ${token}`)
        .type('form')
        .send({ access_token: token })
        .expect(400);
      expect(response.headers['www-authenticate']).toBe(invalidRequest);
    });

    it('takes a JSON field named access_token as data, not as a second token', async () => {
      const token = await keycloak.tokenFor('alice');
      const { body } = await request(app.getHttpServer())
        .post('/echo')
        .set('Authorization', `Bearer ${token}`)
        .send({ access_token: 'data' })
        .expect(200);
      expect(body).toEqual({ keys: ['access_token'] });
    });

    it('refuses two Authorization headers (valid, then forged) with 400', async () => {
      const token = await keycloak.tokenFor('alice');
      const response = await rawGet(app, '/me', {
        Authorization: [`Bearer ${token}`, 'Bearer forged.token.value'],
      });
      expect(response.status).toBe(400);
      expect(response.headers['www-authenticate']).toBe(invalidRequest);
    });

    it('serves one Authorization header sent the same raw way', async () => {
      const token = await keycloak.tokenFor('alice');
      expect((await rawGet(app, '/me', { Authorization: `Bearer ${token}` })).status).toBe(200);
    });

    it('does not take a token from the query alone: 401 missing token', async () => {
      const token = await keycloak.tokenFor('alice');
      const response = await get(`/me?access_token=${token}`).expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="demo", DPoP algs="ES256 RS256 PS256"',
      );
    });

    it('keeps a malformed bearer credential a 401 invalid_token', async () => {
      const response = await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', 'Bearer a b')
        .expect(401);
      expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });
  });

  // A signed token's identifier claims must be sane strings, or it is refused as malformed.
  describe('identifier claims (sub, azp, sid, organization aliases)', () => {
    const organization = (aliases: string[]): MintOptions => ({ extra: { organization: aliases } });

    // Pass/fail pairs: the nearest acceptable value, then the refused one.
    it.each<[string, number, MintOptions]>([
      ['a sub of 255 characters', 200, { sub: 's'.repeat(255) }],
      ['a sub of 256 characters', 401, { sub: 's'.repeat(256) }],
      ['a sub with a space', 200, { sub: 'user 1' }],
      ['a sub with NUL', 401, { sub: 'user\u00001' }],
      ['a sub with CR LF', 401, { sub: 'user\r\n1' }],
      ['an azp', 200, { azp: 'nest-api-web' }],
      ['an azp with a C1 control', 401, { azp: 'nest\u0085api' }],
      ['a sid', 200, { extra: { sid: 'session-1' } }],
      ['a sid with NUL', 401, { extra: { sid: '\u0000' } }],
      ['an organization alias', 200, organization(['acme'])],
      ['an organization alias with ESC', 401, organization(['ac\u001bme'])],
    ])('%s answers %i', async (_name, status, options) => {
      const token = await keycloak.tokenFor('carol', options);
      const response = await request(app.getHttpServer())
        .get('/me')
        .set('Authorization', `Bearer ${token}`)
        .expect(status);
      if (status === 401) {
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="demo", error="invalid_token", error_description="Invalid token", DPoP algs="ES256 RS256 PS256"',
        );
        expect(response.body).toEqual({
          statusCode: 401,
          message: 'Invalid token',
          error: 'Unauthorized',
        });
      } else {
        expect(response.body).toEqual({ sub: options.sub ?? expect.any(String) });
      }
    });
  });
});
