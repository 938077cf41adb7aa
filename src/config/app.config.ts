import { isIP, isIPv4 } from 'node:net';
import { LOG_LEVELS, type LogLevel } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { IsIn, Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { IsIntegerString } from './env-validators.js';
import { ConfigValidationError, splitList, validateEnv } from './config-validation.js';
import { LOG_FORMATS, logFormatFor, type LogFormat } from '../logging/log-format.js';

/** Every item is an exact browser origin: scheme, host and optional port, nothing else. */
function IsOriginList(options?: ValidationOptions) {
  const isOrigin = (value: string) => {
    try {
      const url = new URL(value);
      return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
    } catch {
      return false;
    }
  };
  return ValidateBy(
    {
      name: 'isOriginList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && splitList(value).every(isOrigin),
      },
    },
    options,
  );
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** 255.255.0.0 is a netmask; 255.0.255.0 is not (proxy-addr refuses it). */
function isContiguousMask(mask: string): boolean {
  const bits = mask.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const hostPart = 2 ** 32 - 1 - bits;
  return (hostPart & (hostPart + 1)) === 0;
}

/** One proxy-addr item: an IP, an IP/prefix or IP/netmask range, or a named range. */
function isProxyAddress(item: string): boolean {
  if (PROXY_NAMES.includes(item)) return true;
  const [ip, range, ...rest] = item.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(range) && isContiguousMask(range);
}

/**
 * Accepts only what Express's `trust proxy` (proxy-addr) compiles: anything else would
 * throw inside `app.set()` at start-up instead of failing here with the variable's name.
 */
function isTrustProxy(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  if (v === 'true' || v === 'false' || /^\d+$/.test(v)) return true;
  const items = splitList(v);
  return items.length > 0 && items.every(isProxyAddress);
}

/** The HTTP platforms the app runs on. */
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;

/** `HTTP_ADAPTER`: which HTTP platform serves the app. */
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

/** The raw HTTP-server environment. */
export class AppEnv {
  @IsIntegerString(1, 65535, { message: 'PORT must be a whole number from 1 to 65535' })
  PORT = '8000';

  @IsIntegerString(0, 65535, {
    message: 'METRICS_PORT must be a whole number from 0 to 65535 (0 turns metrics off)',
  })
  METRICS_PORT = '9464';

  @IsOriginList({
    message:
      'CORS_ORIGINS must be a comma-separated list of exact origins such as https://app.example.com (no path, no trailing slash)',
  })
  CORS_ORIGINS = 'http://localhost:3000,http://localhost:5173';

  @ValidateBy(
    { name: 'isTrustProxy', validator: { validate: isTrustProxy } },
    {
      message:
        'TRUST_PROXY must be false, true, a hop count, or a comma-separated list of IP addresses, CIDR ranges or loopback/linklocal/uniquelocal',
    },
  )
  TRUST_PROXY = 'false';

  @Matches(/^[\x21-\x7e]{1,255}$/, {
    message:
      'SWAGGER_CLIENT_ID must be a Keycloak client id: 1 to 255 visible ASCII characters, no spaces',
  })
  SWAGGER_CLIENT_ID = 'nest-api-web';

  @IsIn(HTTP_ADAPTERS, { message: 'HTTP_ADAPTER must be express or fastify' })
  HTTP_ADAPTER: HttpAdapterName = 'express';

  @Matches(/^$|^postgres(ql)?:\/\/[^\s]+$/, {
    message:
      'DATABASE_URL must be a postgres:// or postgresql:// URL, or unset for the embedded database',
  })
  DATABASE_URL = '';

  @Matches(/^(memory:\/\/|[^\0]+)$/, {
    message: 'PGLITE_DATA_DIR must be a folder path, or memory:// for a database kept in memory',
  })
  PGLITE_DATA_DIR = '.data/pglite';

  @IsIn(['true', 'false'], { message: 'SEED_DEMO_ITEMS must be true or false' })
  SEED_DEMO_ITEMS = 'false';

  @IsIntegerString(1, 100, { message: 'DATABASE_POOL_MAX must be a whole number from 1 to 100' })
  DATABASE_POOL_MAX = '10';

  @IsIntegerString(100, 600000, {
    message: 'DATABASE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000',
  })
  DATABASE_TIMEOUT_MS = '5000';

  @IsIn([...LOG_FORMATS, ''], { message: 'LOG_FORMAT must be json or text, or unset' })
  LOG_FORMAT = '';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'log';

  @IsIntegerString(0, 600000, {
    message: 'SHUTDOWN_DRAIN_MS must be a whole number of milliseconds from 0 to 600000',
  })
  SHUTDOWN_DRAIN_MS = '5000';

  @IsIntegerString(0, 600000, {
    message: 'SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds from 0 to 600000',
  })
  SHUTDOWN_TIMEOUT_MS = '10000';

  @IsIntegerString(0, 63072000, {
    message: 'HSTS_MAX_AGE_SECONDS must be a whole number of seconds from 0 to 63072000 (2 years)',
  })
  HSTS_MAX_AGE_SECONDS = '0';
}

/** Where items live: a PostgreSQL server, or the embedded PGlite database. */
export type DatabaseSettings = (
  | { kind: 'postgres'; url: string; poolMax: number; timeoutMs: number }
  | { kind: 'pglite'; dataDir: string; timeoutMs: number }
) & {
  /** `SEED_DEMO_ITEMS`: add the demo items to an empty database after migrating. @default false */
  seedDemoItems?: boolean;
};

/** How the app stops on SIGTERM or SIGINT (src/shutdown/shutdown.service.ts). */
export interface ShutdownSettings {
  /** Readiness answers 503 this long before the server stops accepting connections. @default 5000 */
  drainMs: number;
  /** Then in-flight requests get this long to finish before their connections are cut. @default 10000 */
  timeoutMs: number;
}

/** Typed HTTP-server settings. */
export interface AppConfig {
  port: number;
  /** `METRICS_PORT`: where Prometheus scrapes /metrics, never the API's port; 0: off. @default 9464 */
  metricsPort: number;
  corsOrigins: string[];
  /** `HTTP_ADAPTER`: Express or Fastify. @default 'express' */
  httpAdapter: HttpAdapterName;
  /** Express `trust proxy` value: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  /** Public client (PKCE, no secret) that Swagger UI at /docs signs in with. */
  swaggerClientId: string;
  /** `DATABASE_URL` and friends. */
  database: DatabaseSettings;
  /** `LOG_FORMAT`, resolved: unset means json under NODE_ENV=production or without a terminal. */
  logFormat: LogFormat;
  /** `LOG_LEVEL`: the least severe level written. @default 'log' */
  logLevel: LogLevel;
  /** `SHUTDOWN_DRAIN_MS` and `SHUTDOWN_TIMEOUT_MS`: see src/shutdown/. */
  shutdown: ShutdownSettings;
  /** `HSTS_MAX_AGE_SECONDS`: Strict-Transport-Security's max-age; 0 sends none. @default 0 */
  hstsMaxAgeSeconds: number;
}

/**
 * Reads and validates the HTTP-server settings; throws ConfigValidationError naming the variable.
 * `stdoutIsTty` decides the log format when LOG_FORMAT is unset.
 */
export function readAppConfig(
  env: NodeJS.ProcessEnv,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): AppConfig {
  const raw = validateEnv(AppEnv, env);
  // Metrics on the API's port would make them public: refused, not silently moved.
  const metricsPort = Number(raw.METRICS_PORT);
  if (metricsPort !== 0 && metricsPort === Number(raw.PORT)) {
    throw new ConfigValidationError(
      'Invalid configuration: METRICS_PORT must differ from PORT (metrics are never served on the API port; 0 turns them off)',
    );
  }
  const trust = raw.TRUST_PROXY.trim();
  return {
    port: Number(raw.PORT),
    metricsPort,
    httpAdapter: raw.HTTP_ADAPTER,
    corsOrigins: splitList(raw.CORS_ORIGINS),
    trustProxy:
      trust === 'true'
        ? true
        : trust === 'false'
          ? false
          : /^\d+$/.test(trust)
            ? Number(trust)
            : trust,
    swaggerClientId: raw.SWAGGER_CLIENT_ID,
    database: raw.DATABASE_URL
      ? {
          kind: 'postgres',
          url: raw.DATABASE_URL,
          poolMax: Number(raw.DATABASE_POOL_MAX),
          timeoutMs: Number(raw.DATABASE_TIMEOUT_MS),
          seedDemoItems: raw.SEED_DEMO_ITEMS === 'true',
        }
      : {
          kind: 'pglite',
          dataDir: raw.PGLITE_DATA_DIR,
          timeoutMs: Number(raw.DATABASE_TIMEOUT_MS),
          seedDemoItems: raw.SEED_DEMO_ITEMS === 'true',
        },
    logFormat: logFormatFor(env, stdoutIsTty),
    logLevel: raw.LOG_LEVEL,
    shutdown: {
      drainMs: Number(raw.SHUTDOWN_DRAIN_MS),
      timeoutMs: Number(raw.SHUTDOWN_TIMEOUT_MS),
    },
    hstsMaxAgeSeconds: Number(raw.HSTS_MAX_AGE_SECONDS),
  };
}

/** `app` config namespace, validated when the app starts. */
export const appConfig = registerAs('app', () => readAppConfig(process.env));
