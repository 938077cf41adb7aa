import 'reflect-metadata';
import { checkEnvironment, checkPortsFree, fatal, stopIfKnown } from './startup-checks.js';

/** Logged once the HTTP server accepts connections: scripts and tests wait for this line. */
const LISTENING_MESSAGE = 'API listening on port';

async function bootstrap(): Promise<void> {
  const { config, secrets } = checkEnvironment();
  // Loaded after the check, so a bad environment fails fast without loading the framework.
  const { NestFactory } = await import('@nestjs/core');
  const { Logger } = await import('@nestjs/common');
  const { AppModule } = await import('./app.module.js');
  const { configureApp } = await import('./app.setup.js');
  const { createHttpAdapter, wildcardHost } = await import('./http-adapter.js');
  const { AppLogger } = await import('./logging/app-logger.js');
  const { port } = config;
  const host = await wildcardHost();
  await checkPortsFree(config, host);
  const app = await NestFactory.create(AppModule, await createHttpAdapter(config), {
    abortOnError: false,
    // Given at creation, so Nest's own start-up lines are in the chosen format too.
    logger: new AppLogger({ format: config.logFormat, level: config.logLevel, secrets }),
  }).catch((error: unknown) => stopIfKnown(error, port));
  configureApp(app);
  await app.listen(port, host).catch(async (error: unknown) => {
    await app.close();
    return stopIfKnown(error, port);
  });
  // Nest's "successfully started" comes from init(), before the socket is bound.
  new Logger('Bootstrap').log(`${LISTENING_MESSAGE} ${port}`);
}

bootstrap().catch(fatal);
