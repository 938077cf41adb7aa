import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, Matches, IsUrl, MinLength, IsString } from 'class-validator';
import { SUPPORTED_ALGORITHMS } from '../auth/auth.constants.js';
import { IsIntegerString, IsListOf } from './env-validators.js';
import { splitList, validateEnv } from './config-validation.js';

/** The raw `KEYCLOAK_*` / `JWT_*` environment, as strings, validated at start-up. */
export class KeycloakEnv {
  @IsUrl(
    // No user:password@ part: the URL appears in log lines.
    {
      protocols: ['http', 'https'],
      require_protocol: true,
      require_tld: false,
      disallow_auth: true,
    },
    {
      message:
        'KEYCLOAK_URL must be an http(s) URL without credentials, such as http://localhost:8080',
    },
  )
  KEYCLOAK_URL = 'http://localhost:8080';

  @Matches(/^[\w.-]+$/, { message: 'KEYCLOAK_REALM must be a realm name (letters, digits, . _ -)' })
  KEYCLOAK_REALM = 'demo';

  @IsString()
  @MinLength(1, { message: 'KEYCLOAK_CLIENT_ID must not be empty' })
  KEYCLOAK_CLIENT_ID = 'nest-api';

  @IsOptional()
  @IsString()
  KEYCLOAK_CLIENT_SECRET = '';

  @IsOptional()
  @IsListOf(/^\S+$/, { message: 'KEYCLOAK_AUDIENCE must be a comma-separated list of audiences' })
  KEYCLOAK_AUDIENCE?: string;

  @IsListOf(SUPPORTED_ALGORITHMS, {
    message: `JWT_ALGORITHMS must be a comma-separated list of asymmetric algorithms (${SUPPORTED_ALGORITHMS.join(', ')}); none and HS* are refused`,
  })
  JWT_ALGORITHMS = 'RS256';

  @IsIntegerString(0, 300, {
    message: 'JWT_CLOCK_TOLERANCE_SECONDS must be a whole number from 0 to 300',
  })
  JWT_CLOCK_TOLERANCE_SECONDS = '30';

  @IsIntegerString(100, 60_000, {
    message: 'KEYCLOAK_INTROSPECTION_TIMEOUT_MS must be a whole number from 100 to 60000',
  })
  KEYCLOAK_INTROSPECTION_TIMEOUT_MS = '3000';

  @IsIntegerString(100, 60_000, {
    message: 'KEYCLOAK_HTTP_TIMEOUT_MS must be a whole number from 100 to 60000',
  })
  KEYCLOAK_HTTP_TIMEOUT_MS = '5000';

  @IsIntegerString(0, 3600, {
    message: 'JWKS_COOLDOWN_SECONDS must be a whole number from 0 to 3600',
  })
  JWKS_COOLDOWN_SECONDS = '30';

  @IsIntegerString(0, 3600, {
    message: 'INTROSPECTION_CACHE_TTL_SECONDS must be a whole number from 0 (off) to 3600',
  })
  INTROSPECTION_CACHE_TTL_SECONDS = '10';

  @IsIntegerString(0, 1_000_000, {
    message: 'TOKEN_CACHE_MAX_ENTRIES must be a whole number from 0 (off) to 1000000',
  })
  TOKEN_CACHE_MAX_ENTRIES = '10000';

  @IsIntegerString(0, 3600, {
    message: 'TOKEN_CACHE_MAX_AGE_SECONDS must be a whole number from 0 (off) to 3600',
  })
  TOKEN_CACHE_MAX_AGE_SECONDS = '60';

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'KEYCLOAK_DISCOVERY must be true or false' })
  KEYCLOAK_DISCOVERY = 'true';
}

/** Typed Keycloak settings, the input of `AuthModule.forRootAsync`. */
export interface KeycloakConfig {
  url: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  audiences: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
  introspectionTimeoutMs: number;
  httpTimeoutMs: number;
  jwksCooldownSeconds: number;
  introspectionCacheTtlSeconds: number;
  tokenCacheMaxEntries: number;
  tokenCacheMaxAgeSeconds: number;
  discovery: boolean;
}

/** Reads and validates the Keycloak settings; throws ConfigValidationError naming the variable. */
export function readKeycloakConfig(env: NodeJS.ProcessEnv): KeycloakConfig {
  const raw = validateEnv(KeycloakEnv, env);
  const audiences = splitList(raw.KEYCLOAK_AUDIENCE);
  return {
    url: raw.KEYCLOAK_URL.replace(/\/+$/, ''),
    realm: raw.KEYCLOAK_REALM,
    clientId: raw.KEYCLOAK_CLIENT_ID,
    clientSecret: raw.KEYCLOAK_CLIENT_SECRET ?? '',
    audiences: audiences.length > 0 ? audiences : [raw.KEYCLOAK_CLIENT_ID],
    algorithms: splitList(raw.JWT_ALGORITHMS),
    clockToleranceSeconds: Number(raw.JWT_CLOCK_TOLERANCE_SECONDS),
    introspectionTimeoutMs: Number(raw.KEYCLOAK_INTROSPECTION_TIMEOUT_MS),
    httpTimeoutMs: Number(raw.KEYCLOAK_HTTP_TIMEOUT_MS),
    jwksCooldownSeconds: Number(raw.JWKS_COOLDOWN_SECONDS),
    introspectionCacheTtlSeconds: Number(raw.INTROSPECTION_CACHE_TTL_SECONDS),
    tokenCacheMaxEntries: Number(raw.TOKEN_CACHE_MAX_ENTRIES),
    tokenCacheMaxAgeSeconds: Number(raw.TOKEN_CACHE_MAX_AGE_SECONDS),
    discovery: raw.KEYCLOAK_DISCOVERY !== 'false',
  };
}

/** `keycloak` config namespace, validated when the app starts. */
export const keycloakConfig = registerAs('keycloak', () => readKeycloakConfig(process.env));
