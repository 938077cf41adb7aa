import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { swaggerLoginOptions } from 'nest-keycloak-auth/swagger';
import { enableCors } from './common/cors.js';
import { useSecurityHeaders } from './common/security-headers.js';
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
  // First: every answer, even a CORS preflight or a redirect, carries X-Request-Id.
  useRequestContext(app);
  // Before the routes (registered at init): requests that match none are timed too.
  useHttpMetrics(app);
  enableCors(app, {
    origins: config.corsOrigins,
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
  });
  // Before the docs: on Fastify their routes take Swagger UI's policy as they are added.
  useSecurityHeaders(app, config);
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
  redirectToFolder(app, '/docs');
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Read on each request: discovery runs at init, and its retries may succeed much later.
    patchDocumentOnRequest: (_req, _res, doc) => servedOpenApiDocument(app, doc),
    swaggerOptions: swaggerLoginOptions(config.swaggerClientId),
  });
}

/** What a middleware gets on Express: Node's objects, plus Express' originalUrl. */
type MiddlewareRequest = IncomingMessage & { originalUrl?: string };

/**
 * Sends `/docs` to `/docs/`. Swagger UI resolves its OAuth2 redirect page against the page's
 * folder: from `/docs` Keycloak would be asked to return to `/oauth2-redirect.html`, which is
 * neither served nor registered. The relative Location keeps any proxy path prefix. Not a
 * route: Express' non-strict routing and Fastify's ignoreTrailingSlash would match `/docs/`
 * as well. On Fastify a request hook, not `app.use()`: Nest runs middleware there through
 * middie, which, once any is registered, works out the client address, host and query of
 * every request.
 */
function redirectToFolder(app: INestApplication, path: string): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', (request, reply, done) => {
      const location = folderLocation(path, request.method, request.url);
      if (location === undefined) return done();
      void reply.code(301).header('Location', location).send();
    });
    return;
  }
  app.use(path, (req: MiddlewareRequest, res: ServerResponse, next: () => void) => {
    const location = folderLocation(path, req.method ?? '', req.originalUrl ?? req.url ?? '');
    if (location === undefined) return next();
    res.writeHead(301, { Location: location }).end();
  });
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
