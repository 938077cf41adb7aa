import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** A CSP header as a map: directive → its sources. */
function directives(header: string | undefined): Record<string, string[]> {
  const entries = (header ?? '')
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .filter(([name]) => name)
    .map(([name, ...sources]) => [name, sources]);
  return Object.fromEntries(entries) as Record<string, string[]>;
}

describe.each(ADAPTERS)('%s: security headers (Keycloak stand-in)', (adapter) => {
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

  describe('on API answers', () => {
    it("send OWASP's REST set: a CSP that loads nothing and forbids framing", async () => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.headers).toMatchObject({
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
      });
    });

    it.each([
      'cross-origin-opener-policy',
      'origin-agent-cluster',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ])("send none of helmet's page headers (%s)", async (header) => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.headers[header]).toBeUndefined();
    });

    it('send no ETag hashed from the body: a no-store answer is never revalidated', async () => {
      const response = await request(app.getHttpServer())
        .get('/items')
        .set('Authorization', `Bearer ${await keycloak.tokenFor('bob')}`)
        .expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.etag).toBeUndefined();
    });

    it('send no Strict-Transport-Security unless HSTS_MAX_AGE_SECONDS is set', async () => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    it.each([
      ['an authenticated 200', 'bob', 200],
      ['a 401 (no token)', undefined, 401],
      ['a 403 (no API role)', 'carol', 403],
    ] as const)('mark %s Cache-Control: no-store', async (_name, user, status) => {
      const call = request(app.getHttpServer()).get('/items');
      if (user) call.set('Authorization', `Bearer ${await keycloak.tokenFor(user)}`);
      const response = await call.expect(status);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    });

    it.each(['/health', '/docs-json', '/no-such-route'])(
      'mark %s Cache-Control: no-store too (every API answer)',
      async (path) => {
        const response = await request(app.getHttpServer()).get(path);
        expect(response.headers['cache-control']).toBe('no-store');
      },
    );
  });

  describe('on Swagger UI at /docs/', () => {
    it('allows its own files, inline styles, data: images and Keycloak for the token POST', async () => {
      const response = await request(app.getHttpServer()).get('/docs/').expect(200);
      expect(directives(response.headers['content-security-policy'])).toEqual({
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", new URL(keycloak.url).origin],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      });
    });

    it.each(['/docs/', '/docs/oauth2-redirect.html'])(
      'serves %s with no inline script, so script-src needs no more than self',
      async (path) => {
        const { text } = await request(app.getHttpServer()).get(path).expect(200);
        const scripts = text.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag).toMatch(/\ssrc="(?!https?:|\/\/)[^"]+"/);
        expect(text).not.toMatch(/<script\b[^>]*>\s*[^<\s]/);
      },
    );

    it.each([
      '/docs/',
      '/docs/oauth2-redirect.html',
      '/docs/oauth2-redirect.js',
      '/docs/swagger-ui-init.js',
    ])(
      'sends %s without Cross-Origin-Opener-Policy: the sign-in popup needs window.opener',
      async (path) => {
        const response = await request(app.getHttpServer()).get(path).expect(200);
        expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
        expect(response.headers['content-security-policy']).toContain("script-src 'self'");
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-dns-prefetch-control']).toBe('off');
        expect(response.headers['cache-control']).not.toBe('no-store');
      },
    );
  });
});

describe.each(ADAPTERS)('%s: HSTS_MAX_AGE_SECONDS', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, { adapter, env: { HSTS_MAX_AGE_SECONDS: '31536000' } });
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it.each(['/health', '/docs/'])('sends Strict-Transport-Security on %s when set', async (path) => {
    const response = await request(app.getHttpServer()).get(path).expect(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});
