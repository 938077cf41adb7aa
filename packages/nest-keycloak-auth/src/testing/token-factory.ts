import { randomUUID } from 'node:crypto';
import { CompactSign, type CryptoKey, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { SERVICE_ACCOUNT_ID, userNamed, type StandInUser } from './demo-users.js';
import type { KeyRing } from './signing-keys.js';

/** Options for minting a Keycloak-shaped token; anything not given gets a realistic default. */
export interface MintOptions {
  /** Whose token (default 'alice'); known users supply sub, email, names and client roles. */
  username?: string;
  /** Realm roles added after the defaults (default-roles-{realm}, offline_access, ...). */
  realmRoles?: string[];
  /** resource_access[clientId].roles (default: the user's preset); empty omits the entry. */
  clientRoles?: string[];
  /** Space separated scopes (default 'openid profile email'). */
  scope?: string;
  /** Audience (access default [clientId, 'account'], ID default azp, refresh default issuer). */
  aud?: string | string[];
  /** The `typ` claim (default 'Bearer', 'ID' or 'Refresh' by token kind). */
  typ?: string;
  /** Authorized party, i.e. the front-end client (default 'nest-api-web'). */
  azp?: string;
  /** Lifetime in seconds from now (default 300; refresh tokens 1800). */
  expiresIn?: number;
  /** Absolute NumericDate overrides; nbf is only present when given. */
  exp?: number;
  nbf?: number;
  iat?: number;
  iss?: string;
  sub?: string;
  /** The session (`sid`) the token belongs to (default: a new session per token). */
  sid?: string;
  /** Sign with this existing key, or put an unknown kid in the header; null drops the kid. */
  kid?: string | null;
  /** Claims to delete after everything else is applied, e.g. ['exp']. */
  omit?: string[];
  /** Claims merged over the generated ones. */
  extra?: Record<string, unknown>;
  /**
   * Bind the access token to a DPoP key, as Keycloak does: this RFC 7638 thumbprint (a
   * `dpopKey()`'s `jkt`) in `cnf.jkt`, and `typ` DPoP unless `typ` says otherwise.
   */
  dpopJkt?: string;
  /**
   * A lightweight access token (the client's "Always use lightweight access token"): only
   * exp, iat, jti, iss, typ, azp, sid and scope; introspection still answers every claim.
   */
  lightweight?: boolean;
}

/** What Keycloak keeps in a lightweight access token. */
export const LIGHTWEIGHT_CLAIMS = ['exp', 'iat', 'jti', 'iss', 'typ', 'azp', 'sid', 'scope'];

/** Which Keycloak token to build. */
export type TokenKind = 'access' | 'id' | 'refresh';

/** What the factory needs to know about the realm it mints for. */
export interface TokenContext {
  readonly issuer: string;
  readonly realm: string;
  readonly clientId: string;
  readonly users: readonly StandInUser[];
}

const TYP_BY_KIND: Record<TokenKind, string> = { access: 'Bearer', id: 'ID', refresh: 'Refresh' };
const ACCOUNT_ROLES = { roles: ['manage-account', 'manage-account-links', 'view-profile'] };

/** Builds and signs Keycloak-shaped access, ID, refresh and service-account tokens. */
export class TokenFactory {
  constructor(
    private readonly ctx: TokenContext,
    private readonly keys: KeyRing,
  ) {}

  /** The payload a token of this kind would carry (handy for the forging helpers). */
  claims(kind: TokenKind, options: MintOptions = {}): JWTPayload {
    const user = userNamed(this.ctx.users, options.username ?? 'alice');
    const base = this.baseClaims(kind, options, user);
    const scope = options.scope ?? 'openid profile email';
    let claims: JWTPayload;
    if (kind === 'id') {
      claims = { ...base, aud: options.aud ?? base.azp, acr: '1', ...profileClaims(user) };
    } else if (kind === 'refresh') {
      claims = { ...base, aud: options.aud ?? this.ctx.issuer, scope };
    } else {
      const aud = options.aud ?? [this.ctx.clientId, 'account'];
      claims = {
        ...base,
        aud,
        ...this.roleClaims(options, user),
        scope,
        ...profileClaims(user),
        ...organizationClaim(scope, user),
      };
    }
    // Keycloak's own member next to the thumbprint: extra cnf members must be accepted.
    const cnf = options.dpopJkt && { cnf: { jkt: options.dpopJkt, 'kc-jkt-type': 'DPoP' } };
    const result: JWTPayload = { ...claims, ...cnf, ...options.extra };
    for (const name of options.omit ?? []) delete result[name];
    return result;
  }

  /** Mints a signed token of the given kind. */
  async mint(kind: TokenKind, options: MintOptions = {}): Promise<string> {
    return this.sign(this.claims(kind, options), options.kid);
  }

  /** The payload Keycloak issues for client_credentials (the client's service account). */
  serviceAccountClaims(clientRoles: readonly string[], expiresIn: number): JWTPayload {
    const { clientId, issuer } = this.ctx;
    const now = Math.floor(Date.now() / 1000);
    return {
      exp: now + expiresIn,
      iat: now,
      jti: randomUUID(),
      iss: issuer,
      // The demo realm's audience mapper on nest-api puts the client itself in aud.
      aud: [clientId, 'realm-management', 'account'],
      sub: SERVICE_ACCOUNT_ID,
      typ: 'Bearer',
      azp: clientId,
      acr: '1',
      realm_access: { roles: this.defaultRealmRoles() },
      resource_access: {
        'realm-management': { roles: ['view-users'] },
        ...(clientRoles.length > 0 ? { [clientId]: { roles: [...clientRoles] } } : {}),
        account: ACCOUNT_ROLES,
      },
      scope: 'profile email',
      clientHost: '127.0.0.1',
      email_verified: false,
      preferred_username: `service-account-${clientId}`,
      clientAddress: '127.0.0.1',
      client_id: clientId,
    };
  }

  /**
   * Signs a payload with the key named by kid if the ring has it, else with the current key;
   * the header's `typ` is 'JWT' unless given (null leaves it out).
   */
  async sign(
    payload: JWTPayload,
    kid?: string | null,
    typ: string | null = 'JWT',
  ): Promise<string> {
    const key = (kid ? this.keys.find(kid) : undefined) ?? this.keys.current;
    const header = {
      alg: key.alg,
      ...(typ !== null && { typ }),
      ...(kid === null ? {} : { kid: kid ?? key.kid }),
    };
    return signJwt(key.privateKey, header, payload);
  }

  private baseClaims(kind: TokenKind, options: MintOptions, user: StandInUser) {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = options.expiresIn ?? (kind === 'refresh' ? 1800 : 300);
    return {
      exp: options.exp ?? now + lifetime,
      iat: options.iat ?? now,
      ...(options.nbf === undefined ? {} : { nbf: options.nbf }),
      jti: randomUUID(),
      iss: options.iss ?? this.ctx.issuer,
      aud: undefined as string | string[] | undefined, // placeholder: keeps Keycloak's claim order
      sub: options.sub ?? user.id,
      typ: options.typ ?? (kind === 'access' && options.dpopJkt ? 'DPoP' : TYP_BY_KIND[kind]),
      azp: options.azp ?? 'nest-api-web',
      sid: options.sid ?? randomUUID(),
    };
  }

  private roleClaims(options: MintOptions, user: StandInUser): JWTPayload {
    const clientRoles = options.clientRoles ?? user.clientRoles;
    return {
      acr: '1',
      realm_access: { roles: [...this.defaultRealmRoles(), ...(options.realmRoles ?? [])] },
      resource_access: {
        ...(clientRoles.length > 0 ? { [this.ctx.clientId]: { roles: [...clientRoles] } } : {}),
        account: ACCOUNT_ROLES,
      },
    };
  }

  private defaultRealmRoles(): string[] {
    return [`default-roles-${this.ctx.realm}`, 'offline_access', 'uma_authorization'];
  }
}

/** Signs any JSON payload as a compact JWS, without validating claim types. */
export async function signJwt(
  key: CryptoKey | Uint8Array,
  header: JWSHeaderParameters & { alg: string },
  payload: object,
): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader(header).sign(key);
}

/**
 * The `organization` claim as Keycloak 26 writes it for the requested scope: `organization:*`
 * lists every membership, `organization:acme` that one (if a member), and plain
 * `organization` the only one, or no claim at all once the user is in two.
 */
function organizationClaim(scope: string, user: StandInUser): JWTPayload {
  const aliases = organizationsFor(scope.split(' '), user.organizations);
  return aliases.length > 0 ? { organization: aliases } : {};
}

function organizationsFor(asked: readonly string[], memberOf: readonly string[]): string[] {
  if (asked.includes('organization:*')) return [...memberOf];
  if (asked.includes('organization')) return memberOf.length === 1 ? [...memberOf] : [];
  const named = asked.filter((item) => item.startsWith('organization:')).map((i) => i.slice(13));
  return memberOf.filter((alias) => named.includes(alias));
}

function profileClaims(user: StandInUser): JWTPayload {
  return {
    email_verified: true,
    name: `${user.firstName} ${user.lastName}`,
    preferred_username: user.username,
    given_name: user.firstName,
    family_name: user.lastName,
    email: user.email,
  };
}
