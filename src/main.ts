import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readAppConfig, type AppConfig } from './config/app.config.js';
import { ConfigValidationError } from './config/config-validation.js';
import { readKeycloakConfig } from './config/keycloak.config.js';
import { logFormatFor, startupLine } from './logging/log-format.js';

/** Writes one error line in the log format (JSON or text) and exits with code 1. */
function stop(message: string): never {
  process.stderr.write(startupLine(logFormatFor(process.env), 'error', message));
  process.exit(1);
}

/**
 * Stops with one line naming the variable when the environment is invalid (exit code 1).
 * Returns the settings, and the client secret the logger masks.
 */
function checkEnvironment(): { config: AppConfig; secrets: string[] } {
  // The same .env that ConfigModule reads; real environment variables win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const { clientSecret } = readKeycloakConfig(process.env);
    return { config: readAppConfig(process.env), secrets: clientSecret ? [clientSecret] : [] };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    stop(error.message);
  }
}

function portTaken(port: number): never {
  stop(`Cannot listen: port ${port} is already in use (set PORT)`);
}

/** Logged once the HTTP server accepts connections. */
const LISTENING_MESSAGE = 'API listening on port';

async function bootstrap(): Promise<void> {
  const { config, secrets } = checkEnvironment();
  const { port } = config;
  // Loaded after the check, so a bad environment fails fast without loading the framework.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module.js');
  const { configureApp } = await import('./app.setup.js');
  const { createHttpAdapter, portIsFree, wildcardHost } = await import('./http-adapter.js');
  const { Logger } = await import('@nestjs/common');
  const { AppLogger } = await import('./logging/app-logger.js');
  // Given to Nest at creation, so its start-up lines are in the chosen format too.
  const logger = new AppLogger({ format: config.logFormat, level: config.logLevel, secrets });
  const host = await wildcardHost();
  // Checked before the app is built, so a taken port is one line, not Nest's start-up story
  // ("successfully started") followed by a failure; listen() below still catches a late taker.
  if (!(await portIsFree(port, host))) portTaken(port);
  // The same for Prometheus' port (METRICS_PORT, 0: off); the metrics server binds it at init.
  const { MetricsPortTakenError } = await import('./metrics/metrics.server.js');
  const { metricsPort } = config;
  if (metricsPort !== 0 && !(await portIsFree(metricsPort, host))) {
    stop(new MetricsPortTakenError(metricsPort).message);
  }
  const { DataDirLockedError } = await import('./database/data-dir-lock.js');
  const app = await NestFactory.create(AppModule, await createHttpAdapter(config), {
    abortOnError: false,
    logger,
  }).catch((error: unknown) => {
    // A second API on the same embedded database: one line, not a stack trace.
    if (!(error instanceof DataDirLockedError)) throw error;
    stop(error.message);
  });
  configureApp(app);
  try {
    await app.listen(port, host);
  } catch (error) {
    if (error instanceof MetricsPortTakenError) {
      await app.close();
      stop(error.message);
    }
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.close();
    portTaken(port);
  }
  // Nest's "successfully started" comes from init(), before the socket is bound; scripts and
  // tests wait for this line, printed once connections are accepted.
  new Logger('Bootstrap').log(`${LISTENING_MESSAGE} ${port}`);
}

// Anything else that stops start-up: one line (JSON: with the stack as a field), exit code 1.
bootstrap().catch((error: unknown) => {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(startupLine(logFormatFor(process.env), 'fatal', message, stack));
  process.exit(1);
});
