import type { JWTPayload } from 'jose';
import type { AuthModuleOptions } from '../auth-options.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal, type AuthPrincipal } from '../principal.js';
import type { TokenVerifier } from '../token/token-verifier.service.js';
import type { KeycloakStandIn } from './keycloak-stand-in.js';

/** What {@link testPrincipal} builds a principal from; every part has a harmless default. */
export interface TestPrincipalOptions {
  /** @default 'test-user' */
  sub?: string;
  username?: string;
  email?: string;
  /** Realm roles. @default [] */
  roles?: string[];
  /** Client roles of `clientId`. @default [] */
  clientRoles?: string[];
  /** @default 'nest-api' */
  clientId?: string;
  /** The accepted realm the token came from. @default 'demo' */
  realm?: string;
  /** Space-separated in the token, a list here. @default [] */
  scopes?: string[];
  /** Seconds since the epoch. @default an hour from now */
  exp?: number;
  /** Further claims. */
  claims?: JWTPayload;
}

/**
 * A principal exactly as the verifier builds one from a token's claims (frozen, roles as a
 * set), for calling a controller or a guard directly, without HTTP or keys.
 * @example
 * controller.list(testPrincipal({ roles: ['api-read'] }))
 */
export function testPrincipal(options: TestPrincipalOptions = {}): AuthPrincipal {
  const clientId = options.clientId ?? 'nest-api';
  return toPrincipal(
    {
      typ: 'Bearer',
      ...options.claims,
      sub: options.sub ?? 'test-user',
      exp: options.exp ?? Math.floor(Date.now() / 1000) + 3600,
      preferred_username: options.username,
      email: options.email,
      scope: options.scopes?.join(' '),
      realm_access: { roles: options.roles ?? [] },
      resource_access: { [clientId]: { roles: options.clientRoles ?? [] } },
    },
    clientId,
    undefined,
    options.realm ?? 'demo',
  );
}

/**
 * A stand-in for `TokenVerifier` that knows a fixed set of tokens, for e2e tests of the guards
 * and controllers without keys: `overrideProvider(TokenVerifier).useValue(principalsByToken({...}))`.
 * Any other token is refused as the real verifier refuses an invalid one.
 */
export function principalsByToken(
  principals: Record<string, AuthPrincipal>,
): Pick<TokenVerifier, 'check' | 'verify'> {
  const known = new Map(Object.entries(principals));
  // As the real verifier: a known token's principal at once, any other a rejected promise.
  const check = (token: string): AuthPrincipal | Promise<AuthPrincipal> =>
    known.get(token) ?? Promise.reject(new AuthError(AuthErrorCode.InvalidToken));
  return { check, verify: async (token) => check(token) };
}

/**
 * The options `AuthModule.forRoot` takes to talk to `standIn`, plus any `overrides`.
 * @example
 * AuthModule.forRoot(standInAuthOptions(keycloak, { jwksCooldownSeconds: 0 }))
 */
export function standInAuthOptions(
  standIn: KeycloakStandIn,
  overrides: Partial<AuthModuleOptions> = {},
): AuthModuleOptions {
  return {
    serverUrl: standIn.url,
    realm: standIn.realm,
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    ...overrides,
  };
}
