import { registerAs } from '@nestjs/config';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { IsIntegerString } from './env-validators.js';
import { splitList, validateEnv } from './config-validation.js';

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

/** The raw HTTP-server environment. */
export class AppEnv {
  @IsIntegerString(1, 65535, { message: 'PORT must be a whole number from 1 to 65535' })
  PORT = '8000';

  @IsOriginList({
    message:
      'CORS_ORIGINS must be a comma-separated list of exact origins such as https://app.example.com (no path, no trailing slash)',
  })
  CORS_ORIGINS = 'http://localhost:3000,http://localhost:5173';

  @ValidateBy(
    {
      name: 'isTrustProxy',
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' && /^(false|true|\d+|[\w.:/,\s-]+)$/.test(v),
      },
    },
    {
      message:
        'TRUST_PROXY must be false, true, a hop count, or a comma-separated list of proxy addresses',
    },
  )
  TRUST_PROXY = 'false';
}

/** Typed HTTP-server settings. */
export interface AppConfig {
  port: number;
  corsOrigins: string[];
  /** Express `trust proxy` value: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
}

/** Reads and validates the HTTP-server settings; throws ConfigValidationError naming the variable. */
export function readAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw = validateEnv(AppEnv, env);
  const trust = raw.TRUST_PROXY.trim();
  return {
    port: Number(raw.PORT),
    corsOrigins: splitList(raw.CORS_ORIGINS),
    trustProxy:
      trust === 'true'
        ? true
        : trust === 'false'
          ? false
          : /^\d+$/.test(trust)
            ? Number(trust)
            : trust,
  };
}

/** `app` config namespace, validated when the app starts. */
export const appConfig = registerAs('app', () => readAppConfig(process.env));
