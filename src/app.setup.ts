import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { swaggerLoginOptions } from 'nest-keycloak-auth/swagger';
import { corsStep } from './common/cors.js';
import type { RequestStep } from './common/request-step.js';
import { DOCS_PATH, securityHeadersStep } from './common/security-headers.js';
import { appConfig, type AppConfig } from './config/app.config.js';
import { useRequestContext } from './logging/request-context.hooks.js';
import { useHttpMetrics } from './metrics/http-metrics.hooks.js';
import { createOpenApiDocument, servedOpenApiDocument } from './openapi/openapi-document.js';
import { ShutdownService } from './shutdown/shutdown.service.js';

/**
 * Everything `main.ts` does to the app besides building the adapter (src/http-adapter.ts) and
 * listening, shared with the e2e tests so they exercise the same CORS and docs as production.
 * Platform-neutral: the same calls on Express and Fastify.
 */
export function configureApp(app: INestApplication): void {
  const config = app.get<AppConfig>(appConfig.KEY);
  // In front of Express, or one Fastify hook, before the routes: it gives every answer,
  // even a CORS preflight or a redirect, its X-Request-Id, times every request (unmatched ones
  // too), and sets CORS and security headers.
  const metrics = useHttpMetrics(app);
  useRequestContext(app, [
    ...(metrics ? [metrics] : []),
    corsStep({
      origins: config.corsOrigins,
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
    }),
    securityHeadersStep(app, config),
    folderRedirectStep(DOCS_PATH),
  ]);
  // SIGTERM/SIGINT: readiness 503, drain, finish in-flight requests, app.close(), exit.
  app.get(ShutdownService).listen(app, config.shutdown);
  setUpDocs(app, config);
}

/**
 * Swagger UI at /docs/: a person signs in on Keycloak (Authorize) or pastes a token; every
 * protected operation accepts either scheme.
 */
function setUpDocs(app: INestApplication, config: AppConfig): void {
  const document = createOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: 'docs-json',
    // Read on each request: discovery runs at init, and its retries may succeed much later.
    patchDocumentOnRequest: (_req, _res, doc) => servedOpenApiDocument(app, doc),
    swaggerOptions: swaggerLoginOptions(config.swaggerClientId),
  });
}

/**
 * Sends `/docs` to `/docs/`. Swagger UI resolves its OAuth2 redirect page against the page's
 * folder: from `/docs` Keycloak would be asked to return to `/oauth2-redirect.html`, which is
 * neither served nor registered. The relative Location keeps any proxy path prefix. Not a
 * route: Express' non-strict routing and Fastify's ignoreTrailingSlash would match `/docs/`
 * as well.
 */
function folderRedirectStep(path: string): RequestStep {
  return (request: IncomingMessage) => {
    const location = folderLocation(path, request.method ?? '', request.url ?? '');
    return location === undefined ? undefined : { status: 301, headers: { Location: location } };
  };
}

/** Where a GET or HEAD of exactly `path` (any query kept) is sent; undefined for the rest. */
function folderLocation(path: string, method: string, url: string): string | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  if (pathname !== path) return undefined;
  const folder = path.slice(path.lastIndexOf('/') + 1);
  return `${folder}/${query < 0 ? '' : url.slice(query)}`;
}
