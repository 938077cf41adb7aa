import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { swaggerLoginOptions } from 'nest-keycloak-auth/swagger';
import { checkGraphqlTokensOnFastify } from 'nest-keycloak-auth/graphql';
import { KeycloakWsAdapter } from 'nest-keycloak-auth/websockets';
import { appConfig, type AppConfig } from './config/app.config.js';
import { GRAPHQL_PATH } from './graphql/graphql.options.js';
import { DOCS_PATH } from './http/docs-redirect.js';
import { configureHttpEdge } from './http/http-edge.js';
import { createOpenApiDocument, servedOpenApiDocument } from './openapi/openapi-document.js';
import { ShutdownService } from './shutdown/shutdown.service.js';

/**
 * Everything `main.ts` does to the app besides building the adapter (src/http-adapter.ts) and
 * listening, shared with the e2e tests so they exercise the same edge and docs as production.
 * Platform-neutral: the same calls on Express and Fastify.
 */
export function configureApp(app: INestApplication): void {
  const config = app.get<AppConfig>(appConfig.KEY);
  // Request ids, timing, CORS, security headers and the /docs redirect: src/http/.
  configureHttpEdge(app, config);
  // The `/ws` gateway's handshakes are authenticated before the upgrade (src/live/); GraphQL's
  // subscriptions answer their own upgrades (src/graphql/).
  const sockets = new KeycloakWsAdapter(app, { otherPaths: [GRAPHQL_PATH] });
  app.useWebSocketAdapter(sockets);
  // GraphQL's check of a presented token before execution: Nest middleware on Express
  // (src/graphql/); on Fastify a hook of that route alone, as Nest's Fastify middleware would
  // run on every request (docs/decisions.md).
  if (app.getHttpAdapter().getType() === 'fastify') {
    checkGraphqlTokensOnFastify(app, GRAPHQL_PATH);
  }
  // SIGTERM/SIGINT: readiness 503, drain, close sockets (1001), finish in-flight requests,
  // app.close(), exit.
  app.get(ShutdownService).listen(app, config.shutdown, sockets);
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
    // Swagger UI caps the Authorize dialog at 540 px and focuses the bearer box at its end, so
    // the sign-in (listed first) was scrolled out of view: let the dialog use the window.
    customCss: '.swagger-ui .dialog-ux .modal-ux-content { max-height: calc(100vh - 120px) }',
  });
}
