import { registerAs } from '@nestjs/config';
import { AuthConfigError, authOptionsFromEnv, type AuthModuleOptions } from 'nest-keycloak-auth';
import { ConfigValidationError } from './config-validation.js';

/** The demo realm's development secret (keycloak/realm-demo.json): never valid in production. */
export const DEMO_CLIENT_SECRET = 'nest-api-dev-secret';

/**
 * The AuthModule options, read from the environment by the library (which owns every
 * variable's default and range: see `AUTH_ENVIRONMENT`), plus this app's production rules:
 * with `NODE_ENV=production`, no plain-HTTP `KEYCLOAK_URL` unless `KEYCLOAK_ALLOW_HTTP=true`,
 * and not the demo secret. Throws ConfigValidationError naming the variable, never its value.
 */
export function readKeycloakConfig(env: NodeJS.ProcessEnv): AuthModuleOptions {
  let options: AuthModuleOptions;
  try {
    options = authOptionsFromEnv(env);
  } catch (error) {
    if (error instanceof AuthConfigError) {
      throw new ConfigValidationError(`Invalid configuration: ${error.message}`);
    }
    throw error;
  }
  const allowHttp = env.KEYCLOAK_ALLOW_HTTP?.trim() || 'false';
  if (allowHttp !== 'true' && allowHttp !== 'false') {
    throw new ConfigValidationError(
      'Invalid configuration: KEYCLOAK_ALLOW_HTTP must be true or false',
    );
  }
  if (env.NODE_ENV === 'production') {
    if (/^http:/i.test(options.serverUrl) && allowHttp !== 'true') {
      throw new ConfigValidationError(
        'Invalid configuration: KEYCLOAK_URL must be https:// when NODE_ENV=production (set KEYCLOAK_ALLOW_HTTP=true if plain HTTP to Keycloak is deliberate, e.g. inside a private network)',
      );
    }
    if (options.clientSecret === DEMO_CLIENT_SECRET) {
      throw new ConfigValidationError(
        "Invalid configuration: KEYCLOAK_CLIENT_SECRET is the demo realm's development secret; set this client's real secret when NODE_ENV=production",
      );
    }
  }
  return options;
}

/** `keycloak` config namespace: the AuthModule options, validated when the app starts. */
export const keycloakConfig = registerAs('keycloak', () => readKeycloakConfig(process.env));
