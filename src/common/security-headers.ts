import fastifyHelmet from '@fastify/helmet';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import { oauth2Scheme } from 'nest-keycloak-auth/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  API_DIRECTIVES,
  docsDirectives,
  isDocsPath,
  type Directives,
} from './content-security-policy.js';

/** What {@link useSecurityHeaders} needs from the settings. */
export interface SecurityHeadersSettings {
  /** `HSTS_MAX_AGE_SECONDS`: Strict-Transport-Security's max-age; 0 sends none. */
  hstsMaxAgeSeconds: number;
}

/** Where SwaggerModule serves the UI (configureApp's `setUpDocs`). */
const DOCS_PATH = '/docs';

/**
 * The helmet options this app sets (a subset of HelmetOptions, whose union of old and new option
 * names is too large for TypeScript to spread): helmet's defaults, plus these.
 */
interface HeaderOptions {
  contentSecurityPolicy: { useDefaults: false; directives: Directives };
  strictTransportSecurity: { maxAge: number; includeSubDomains: false } | false;
  xFrameOptions: { action: 'deny' };
  crossOriginOpenerPolicy?: false;
}

/** Helmet's headers with the API's own CSP, and HSTS only when configured. */
function apiOptions(settings: SecurityHeadersSettings): HeaderOptions {
  const maxAge = settings.hstsMaxAgeSeconds;
  return {
    contentSecurityPolicy: { useDefaults: false, directives: API_DIRECTIVES },
    strictTransportSecurity: maxAge > 0 ? { maxAge, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * Swagger UI's: its CSP, and no Cross-Origin-Opener-Policy, because the sign-in popup passes
 * through Keycloak's origin and must still reach `window.opener` when it returns.
 */
function docsOptions(app: INestApplication, api: HeaderOptions): HeaderOptions {
  const discovery = app.get(OidcDiscoveryService);
  // The token endpoint Swagger UI is given (src/openapi/openapi-document.ts), as it is now.
  const keycloakOrigin = (): string => {
    const tokenUrl = oauth2Scheme(discovery.endpoints).flows?.authorizationCode?.tokenUrl;
    return new URL(tokenUrl ?? discovery.endpoints.tokenEndpoint).origin;
  };
  const directives = docsDirectives(keycloakOrigin);
  return {
    ...api,
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginOpenerPolicy: false,
  };
}

/**
 * Security headers on every answer, through helmet on Express and @fastify/helmet on Fastify:
 * a strict CSP on the API, Swagger UI's own at /docs/, HSTS when `HSTS_MAX_AGE_SECONDS` is set,
 * and `Cache-Control: no-store` on everything but Swagger UI's files (see docs/operations.md).
 * Call it before SwaggerModule.setup, so the docs' routes get their options on Fastify.
 */
export function useSecurityHeaders(app: INestApplication, settings: SecurityHeadersSettings): void {
  const api = apiOptions(settings);
  const docs = docsOptions(app, api);
  if (app.getHttpAdapter().getType() === 'fastify') {
    useOnFastify(app as NestFastifyApplication, api, docs);
    return;
  }
  const forApi = helmet(api);
  const forDocs = helmet(docs);
  app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    if (isDocsPath(req.url, DOCS_PATH)) return forDocs(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    forApi(req, res, next);
  });
}

/**
 * The plugin, registered before init as Nest's Fastify adapter wants it (applied when Fastify
 * starts), with Swagger UI's options on the routes SwaggerModule adds under /docs/.
 */
function useOnFastify(app: NestFastifyApplication, api: HeaderOptions, docs: HeaderOptions): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Route config is where @fastify/helmet looks for a route's own options.
  fastify.addHook('onRoute', (route: { url: string; config?: object }) => {
    if (isDocsPath(route.url, DOCS_PATH)) route.config = { ...route.config, helmet: docs };
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isDocsPath(request.routeOptions.url, DOCS_PATH))
      void reply.header('Cache-Control', 'no-store');
    done();
  });
  void app.register(fastifyHelmet, { global: true, ...api });
}
