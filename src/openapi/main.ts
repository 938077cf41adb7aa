import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { readAppConfig, type AppConfig } from '../config/app.config.js';
import { ConfigValidationError } from '../config/config-validation.js';
import { readKeycloakConfig } from '../config/keycloak.config.js';

/**
 * `npm run openapi [-- FILE]`: writes the OpenAPI document GET /docs-json serves to FILE
 * (default openapi.json, the committed contract), without a Keycloak. The app is built but
 * not initialised: discovery, the JWKS fetch and the service-account check all run in init(),
 * so nothing is called. The OAuth2 URLs are those derived from KEYCLOAK_URL and
 * KEYCLOAK_REALM: what the app serves until discovery answers, and after it with a stock
 * Keycloak, whose discovered endpoints are the same.
 */
async function writeDocument(file: string): Promise<void> {
  const config = checkEnvironment();
  // Loaded after the check, as in main.ts: a bad environment fails without the framework.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../app.module.js');
  const { createHttpAdapter } = await import('../http-adapter.js');
  const { createOpenApiDocument, servedOpenApiDocument } = await import('./openapi-document.js');
  const app = await NestFactory.create(AppModule, await createHttpAdapter(config), {
    logger: ['error', 'warn'],
  });
  try {
    const document = servedOpenApiDocument(app, createOpenApiDocument(app));
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  } finally {
    await app.close();
  }
  process.stdout.write(`Wrote ${file}\n`);
}

/**
 * The environment main.ts would run with (.env, real variables winning), checked the same way,
 * but with the database in memory.
 */
function checkEnvironment(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // The document does not depend on where items live: a database in memory needs no
  // PostgreSQL and leaves a running stack's PGlite folder (and its lock) alone.
  Object.assign(process.env, { DATABASE_URL: '', PGLITE_DATA_DIR: 'memory://' });
  try {
    readKeycloakConfig(process.env);
    return readAppConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

void writeDocument(process.argv[2] ?? 'openapi.json');
