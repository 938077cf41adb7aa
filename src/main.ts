import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readAppConfig, type AppConfig } from './config/app.config.js';
import { ConfigValidationError } from './config/config-validation.js';
import { readKeycloakConfig } from './config/keycloak.config.js';

/** Stops with one line naming the variable when the environment is invalid (exit code 1). */
function checkEnvironment(): AppConfig {
  // The same .env that ConfigModule reads; real environment variables win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    readKeycloakConfig(process.env);
    return readAppConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function portTaken(port: number): never {
  process.stderr.write(`Cannot listen: port ${port} is already in use (set PORT)\n`);
  process.exit(1);
}

/** Logged once the HTTP server accepts connections. */
const LISTENING_MESSAGE = 'API listening on port';

async function bootstrap(): Promise<void> {
  const config = checkEnvironment();
  const { port } = config;
  // Loaded after the check, so a bad environment fails fast without loading the framework.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module.js');
  const { configureApp } = await import('./app.setup.js');
  const { createHttpAdapter, portIsFree, wildcardHost } = await import('./http-adapter.js');
  const { Logger } = await import('@nestjs/common');
  const host = await wildcardHost();
  // Checked before the app is built, so a taken port is one line, not Nest's start-up story
  // ("successfully started") followed by a failure; listen() below still catches a late taker.
  if (!(await portIsFree(port, host))) portTaken(port);
  const { DataDirLockedError } = await import('./database/data-dir-lock.js');
  const app = await NestFactory.create(AppModule, await createHttpAdapter(config), {
    abortOnError: false,
  }).catch((error: unknown) => {
    // A second API on the same embedded database: one line, not a stack trace.
    if (!(error instanceof DataDirLockedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
  configureApp(app);
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.close();
    portTaken(port);
  }
  // Nest's "successfully started" comes from init(), before the socket is bound; scripts and
  // tests wait for this line, printed once connections are accepted.
  new Logger('Bootstrap').log(`${LISTENING_MESSAGE} ${port}`);
}

void bootstrap();
