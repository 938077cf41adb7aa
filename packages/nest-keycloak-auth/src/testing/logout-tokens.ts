import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { userNamed, type StandInUser } from './demo-users.js';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  type PublicKeySource,
} from './forged-tokens.js';

/** The event member Keycloak puts in every logout token. */
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A logout token as Keycloak sends it to a client's `backchannel.logout.url`. Give `sid` (one
 * session; Keycloak adds the subject) or only `sub`/`username` (every session of the user);
 * the other options break one Back-Channel Logout §2.6 check each.
 */
export interface LogoutTokenOptions {
  /** The ended session: an access token's `sid` (see `MintOptions.sid`). */
  sid?: string;
  /** The subject whose sessions end. */
  sub?: string;
  /** A stand-in user whose id is the `sub`. */
  username?: string;
  /** The client the logout is sent to (default 'nest-api-web', the stand-in tokens' azp). */
  aud?: string | string[];
  /** Absolute NumericDates (default: now, and `iat` + 120 as Keycloak does). */
  iat?: number;
  exp?: number;
  /** Default: a fresh UUID. */
  jti?: string;
  /** Default: the realm's issuer. */
  iss?: string;
  /** Header `typ` (default 'logout+jwt'); null leaves it out. */
  typ?: string | null;
  /**
   * Sign as an attacker would: with a key the realm never published (claiming its kid), as
   * `alg: none`, or HS256 with the realm's public key as the secret.
   */
  forge?: 'foreign-key' | 'alg-none' | 'hs256';
  /** Claims to delete after everything else, e.g. ['events'] or ['jti']. */
  omit?: string[];
  /** Claims merged over the generated ones, e.g. `{ nonce: 'n' }`. */
  extra?: Record<string, unknown>;
}

/** What minting a logout token needs of the realm (KeycloakStandIn's parts). */
export interface LogoutTokenRealm extends PublicKeySource {
  readonly issuer: string;
  readonly users: readonly StandInUser[];
  sign(payload: JWTPayload, typ: string | null): Promise<string>;
}

/** The payload of a logout token, in Keycloak's claim order. */
export function logoutClaims(realm: LogoutTokenRealm, options: LogoutTokenOptions): JWTPayload {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const sub =
    options.sub ??
    (options.username === undefined ? undefined : userNamed(realm.users, options.username).id);
  const claims: JWTPayload = {
    iat,
    exp: options.exp ?? iat + 120,
    jti: options.jti ?? randomUUID(),
    iss: options.iss ?? realm.issuer,
    aud: options.aud ?? 'nest-api-web',
    ...(sub !== undefined && { sub }),
    typ: 'Logout',
    ...(options.sid !== undefined && { sid: options.sid }),
    events: { [LOGOUT_EVENT]: {} },
    ...options.extra,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return claims;
}

/** Signs (or forges) a logout token. */
export function signLogoutToken(
  realm: LogoutTokenRealm,
  options: LogoutTokenOptions,
): Promise<string> {
  const claims = logoutClaims(realm, options);
  switch (options.forge) {
    case 'foreign-key':
      return forgeWithForeignKey(realm, claims);
    case 'alg-none':
      return Promise.resolve(forgeAlgNone(claims, { typ: 'logout+jwt' }));
    case 'hs256':
      return forgeHs256WithPublicKey(realm, claims);
    default:
      return realm.sign(claims, options.typ === undefined ? 'logout+jwt' : options.typ);
  }
}

/**
 * Posts a logout token as Keycloak does (a form body, `logout_token=...`) and resolves with the
 * status; a receiver that cannot be reached gives 0, as Keycloak carries on with the logout.
 */
export async function postLogoutToken(url: string, token: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
