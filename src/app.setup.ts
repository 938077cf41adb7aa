import { ValidationPipe, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentAuth } from './auth/index.js';
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
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.enableCors({
    origin: config.corsOrigins,
    credentials: true,
    exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
  });
  app.enableShutdownHooks();
  setUpDocs(app);
}

function setUpDocs(app: INestApplication): void {
  const options = new DocumentBuilder()
    .setTitle('Keycloak-secured API')
    .setDescription('REST API protected by Keycloak access tokens (OAuth 2.0 bearer, RFC 6750).')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = documentAuth(app, SwaggerModule.createDocument(app, options));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
