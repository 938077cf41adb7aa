// What main.ts checks before and while starting; each failure is one line in the log format and
// exit code 1. Nothing here loads the framework until the environment has passed.
import { existsSync } from 'node:fs';
import { readAppConfig, type AppConfig } from './config/app.config.js';
import { ConfigValidationError } from './config/config-validation.js';
import { readKeycloakConfig } from './config/keycloak.config.js';
import { logFormatFor, startupLine } from './logging/log-format.js';

/** Writes one error line in the log format (JSON or text) and exits with code 1. */
export function stop(message: string): never {
  process.stderr.write(startupLine(logFormatFor(process.env), 'error', message));
  process.exit(1);
}

/**
 * Reads `.env` into the environment (the one place it is read; real environment variables win
 * over it), then stops with one line naming the variable when it is invalid. Returns the
 * settings, and the secrets the logger masks: the client secret, and REDIS_URL with its password.
 */
export function checkEnvironment(): { config: AppConfig; secrets: string[] } {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const { clientSecret, redisUrl } = readKeycloakConfig(process.env);
    const secrets = [clientSecret, redisUrl, redisUrl && passwordOf(redisUrl)];
    return { config: readAppConfig(process.env), secrets: secrets.filter((s) => !!s) as string[] };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    stop(error.message);
  }
}

/** The password a URL carries (percent-decoded), if any. */
function passwordOf(url: string): string | undefined {
  const { password } = new URL(url);
  return password ? decodeURIComponent(password) : undefined;
}

const portTaken = (port: number) => `Cannot listen: port ${port} is already in use (set PORT)`;

/**
 * Stops when the API's port or Prometheus' (METRICS_PORT, 0: off) is taken, before the app is
 * built: one line, not Nest's start-up story ("successfully started") followed by a failure.
 * `listen()` still catches a late taker ({@link stopIfKnown}).
 */
export async function checkPortsFree(config: AppConfig, host: string): Promise<void> {
  const { portIsFree } = await import('./http-adapter.js');
  const { MetricsPortTakenError } = await import('./metrics/metrics.server.js');
  if (!(await portIsFree(config.port, host))) stop(portTaken(config.port));
  const { metricsPort } = config;
  if (metricsPort !== 0 && !(await portIsFree(metricsPort, host))) {
    stop(new MetricsPortTakenError(metricsPort).message);
  }
}

/**
 * One line for the start-up failures a person can fix (a port taken meanwhile, the embedded
 * database locked by another API); any other error is thrown on.
 */
export async function stopIfKnown(error: unknown, port: number): Promise<never> {
  const { MetricsPortTakenError } = await import('./metrics/metrics.server.js');
  const { DataDirLockedError } = await import('./database/data-dir-lock.js');
  if (error instanceof MetricsPortTakenError || error instanceof DataDirLockedError) {
    stop(error.message);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') stop(portTaken(port));
  throw error;
}

/** Anything else that stops start-up: one line (JSON: with the stack as a field), exit code 1. */
export function fatal(error: unknown): never {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(startupLine(logFormatFor(process.env), 'fatal', message, stack));
  process.exit(1);
}
