import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { readAppConfig, type HttpAdapterName } from '../../src/config/app.config.js';
import { createHttpAdapter } from '../../src/http-adapter.js';

/** Where the app under test finds its Keycloak: a stand-in's address and client. */
export interface KeycloakTarget {
  url: string;
  realm: string;
  clientId: string;
  clientSecret: string;
}

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  /** The HTTP platform, as `HTTP_ADAPTER` chooses it in production. @default 'express' */
  adapter?: HttpAdapterName;
  /** Extra environment variables, e.g. `{ JWKS_COOLDOWN_SECONDS: '0' }`. */
  env?: Record<string, string>;
  /** Logger for the app; silent by default. */
  logger?: LoggerService | false;
  /** Hook to swap providers, e.g. `(b) => b.overrideProvider(ItemsRepository).useClass(...)`. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * Boots the real AppModule on Express or Fastify, configured exactly as `main.ts` configures it
 * (adapter, pipes, CORS, docs), against a Keycloak at `target`. Close it with `app.close()`.
 */
export async function createTestApp(
  target: KeycloakTarget,
  options: TestAppOptions = {},
): Promise<INestApplication> {
  Object.assign(process.env, {
    KEYCLOAK_URL: target.url,
    KEYCLOAK_REALM: target.realm,
    KEYCLOAK_REALMS: '',
    KEYCLOAK_CLIENT_ID: target.clientId,
    KEYCLOAK_CLIENT_SECRET: target.clientSecret,
    KEYCLOAK_AUDIENCE: '',
    JWT_ALGORITHMS: 'RS256',
    JWT_CLOCK_TOLERANCE_SECONDS: '30',
    JWKS_COOLDOWN_SECONDS: '30',
    KEYCLOAK_INTROSPECTION_TIMEOUT_MS: '3000',
    CORS_ORIGINS: 'http://localhost:3000,http://localhost:5173',
    // Empty means "default": an earlier app's settings never leak into this one.
    KEYCLOAK_DISCOVERY: '',
    KEYCLOAK_DISCOVERY_RETRY_SECONDS: '',
    KEYCLOAK_ISSUER: '',
    // Set by one app of a file, they must not leak into the next one the same file starts.
    KEYCLOAK_LIGHTWEIGHT_TOKENS: '',
    AUTHZ_DECISION_TTL_SECONDS: '',
    KEYCLOAK_AUTHZ_TIMEOUT_MS: '',
    KEYCLOAK_ALLOW_HTTP: '',
    JWKS_MAX_AGE_SECONDS: '',
    KEYCLOAK_HTTP_TIMEOUT_MS: '',
    INTROSPECTION_CACHE_TTL_SECONDS: '',
    TOKEN_CACHE_MAX_ENTRIES: '',
    TOKEN_CACHE_MAX_AGE_SECONDS: '',
    TRUST_PROXY: '',
    SWAGGER_CLIENT_ID: '',
    HTTP_ADAPTER: options.adapter ?? '',
    // Off: the default (9464) would clash between apps; the metrics suites set their own port.
    METRICS_PORT: '0',
    // Items in memory, one database per app; `npm run test:postgres` sets TEST_DATABASE_URL.
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
    PGLITE_DATA_DIR: 'memory://',
    DATABASE_TIMEOUT_MS: '',
    DATABASE_POOL_MAX: '',
    AUDIT_ACCEPTED: '',
    // Off: suites send dozens of bad tokens from one address on purpose; the throttling
    // suite (test/auth-audit.e2e-spec.ts) sets its own limit.
    AUTH_FAILURE_LIMIT: '0',
    AUTH_FAILURE_WINDOW_SECONDS: '',
    BACKCHANNEL_LOGOUT_AUDIENCES: '',
    REVOCATION_RETENTION_SECONDS: '',
    REDIS_URL: '',
    REDIS_TIMEOUT_MS: '',
    LOG_FORMAT: '',
    LOG_LEVEL: '',
    SHUTDOWN_DRAIN_MS: '',
    SHUTDOWN_TIMEOUT_MS: '',
    HSTS_MAX_AGE_SECONDS: '',
    WS_MAX_MESSAGE_BYTES: '',
    WS_MESSAGES_PER_SECOND: '',
    WS_SOCKETS_PER_PRINCIPAL: '',
    ...options.env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule] });
  const moduleRef = await (options.override?.(builder) ?? builder).compile();
  const adapter = await createHttpAdapter(readAppConfig(process.env));
  const app = moduleRef.createNestApplication(adapter, { logger: options.logger ?? false });
  configureApp(app);
  await app.init();
  // Fastify registers routes and plugins on ready(); supertest needs them in place.
  if (adapter.getType() === 'fastify') {
    await adapter.getInstance<{ ready(): PromiseLike<unknown> }>().ready();
  }
  return app;
}
