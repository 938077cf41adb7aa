import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import {
  documentAuth,
  OAUTH2_SCHEME,
  oauth2Scheme,
  swaggerLoginOptions,
  withOAuth2Endpoints,
} from 'nest-keycloak-auth/swagger';
import { appConfig, type AppConfig } from './config/app.config.js';

/**
 * Everything `main.ts` does to the app besides listening, shared with the e2e tests so they
 * exercise the same pipes, CORS and docs as production.
 */
export function configureApp(app: INestApplication): void {
  const config = app.get<AppConfig>(appConfig.KEY);
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  app.enableCors({
    origin: config.corsOrigins,
    credentials: true,
    exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
  });
  app.enableShutdownHooks();
  setUpDocs(app, config);
}

/**
 * Swagger UI at /docs/: a person signs in on Keycloak (Authorize) or pastes a token; every
 * protected operation accepts either scheme.
 */
function setUpDocs(app: INestApplication, config: AppConfig): void {
  const discovery = app.get(OidcDiscoveryService);
  const options = new DocumentBuilder()
    .setTitle('Keycloak-secured API')
    .setDescription('REST API protected by Keycloak access tokens (OAuth 2.0 bearer, RFC 6750).')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addOAuth2(oauth2Scheme(discovery.endpoints), OAUTH2_SCHEME)
    .build();
  const schemes = ['bearer', OAUTH2_SCHEME];
  const document = documentAuth(app, SwaggerModule.createDocument(app, options), schemes);
  redirectToFolder(app, '/docs');
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Read on each request: discovery runs at init, and its retries may succeed much later.
    patchDocumentOnRequest: (_req, _res, doc) => withOAuth2Endpoints(doc, discovery.endpoints),
    swaggerOptions: swaggerLoginOptions(config.swaggerClientId),
  });
}

/**
 * Sends `/docs` to `/docs/`. Swagger UI resolves its OAuth2 redirect page against the page's
 * folder: from `/docs` Keycloak would be asked to return to `/oauth2-redirect.html`, which is
 * neither served nor registered. The relative Location keeps any proxy path prefix.
 */
function redirectToFolder(app: INestApplication, path: string): void {
  const folder = path.slice(path.lastIndexOf('/') + 1);
  app.use(path, (req: Request, res: Response, next: NextFunction) => {
    const query = req.originalUrl.indexOf('?');
    const pathname = query < 0 ? req.originalUrl : req.originalUrl.slice(0, query);
    if (pathname !== path || !['GET', 'HEAD'].includes(req.method)) return next();
    res.redirect(301, `${folder}/${query < 0 ? '' : req.originalUrl.slice(query)}`);
  });
}
