import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import { KeySource } from '../jwks/key-source.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { RealmDirectory, type AcceptedRealm } from '../realms/realm-directory.js';
import { toPrincipal, type AuthPrincipal } from '../principal.js';
import type { TokenScheme } from './bearer-token.js';
import { checkIdentifierClaims } from './identifier-claims.js';
import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from './token-digest.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Verifies a Keycloak access token with jose: signature from the realm's JWKS, algorithm
 * allow-list, exact issuer, audience, `exp` (required), `nbf`, `iat`, `sub`, and the
 * Keycloak `typ` claim, which must be `Bearer`, or `DPoP` for a DPoP-bound token asked with
 * the DPoP scheme (ID and refresh tokens are refused). With
 * several realms, the token's `iss` picks its realm before any key is looked up: a token of
 * any other issuer is refused without a request to Keycloak.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger('TokenVerifier');
  private readonly cache: VerifiedTokenCache;
  /** Counts key removals, so a verification that raced one is not cached afterwards. */
  private keyRemovals = 0;
  /** The issuer the cached principals were verified against. */
  private cacheIssuer?: string;
  /** When a refused lightweight token was last logged (once a minute is enough to act on). */
  private lightweightLoggedAt = -Infinity;
  /** The accepted realms, home first (one unless `realms` lists more). */
  private readonly realms: readonly AcceptedRealm[];

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(KeySource) private readonly keys: KeySource,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
    @Optional()
    @Inject(IntrospectionClient)
    private readonly introspection?: IntrospectionClient,
    @Optional() @Inject(RealmDirectory) directory?: RealmDirectory,
  ) {
    this.cache = new VerifiedTokenCache(
      settings.tokenCacheMaxEntries,
      settings.tokenCacheMaxAgeMs,
      settings.clockToleranceSeconds * 1000,
    );
    this.realms = directory?.all ?? [{ name: settings.realm, discovery, keys }];
    for (const realm of this.realms) {
      // A key that left one realm's JWKS drops only that realm's tokens.
      realm.keys.onKeysRemoved((kids) => {
        this.keyRemovals++;
        this.cache.dropKeys(kids, realm.name);
      });
      // The home realm's issuer is compared on each request (checkIssuer); the others say so.
      if (realm.discovery !== discovery) {
        realm.discovery.onIssuerChange(() => this.cache.dropRealm(realm.name));
      }
    }
  }

  /**
   * The principal of a valid access token; throws AuthError otherwise. A token verified
   * before is answered from the cache until the earlier of its `exp` and the cache's max age.
   */
  async verify(token: string): Promise<AuthPrincipal> {
    return this.check(token);
  }

  /**
   * {@link verify} without a promise when it can: a remembered token's principal is returned
   * as it is (the guard's fast path: no I/O, no await); any other token gives the promise of
   * its full verification. Throws (or rejects) with AuthError as verify does. `scheme` is the
   * one the token came with: a DPoP-bound token (`typ` DPoP, `cnf.jkt`) passes only as `DPoP`,
   * any other only as `Bearer`. The DPoP proof itself is the caller's (JwtAuthGuard's) to check.
   */
  check(token: string, scheme: TokenScheme = 'Bearer'): AuthPrincipal | Promise<AuthPrincipal> {
    this.checkIssuer();
    // The token is hashed once per request: the digest is the key for both get and set.
    const key = this.cache.enabled ? tokenDigest(token) : undefined;
    const principal = key === undefined ? undefined : this.cache.get(key);
    if (key !== undefined) publishCacheLookup('verified_token', principal !== undefined);
    if (principal !== undefined) return matchScheme(principal, scheme);
    return this.verifyUncached(token, key).then((verified) => matchScheme(verified, scheme));
  }

  /** Refuses while discovery reports another issuer; forgets principals of an earlier one. */
  private checkIssuer(): void {
    if (this.discovery.issuerMismatch) {
      throw new AuthError(AuthErrorCode.IssuerMismatch, {
        retryAfterSeconds: this.settings.discoveryRetryMs / 1000,
      });
    }
    // Principals verified against another issuer (derived, before discovery answered) go.
    const issuer = this.discovery.endpoints.issuer;
    if (issuer !== this.cacheIssuer) {
      this.cache.clear();
      this.cacheIssuer = issuer;
    }
  }

  private async verifyUncached(token: string, key: string | undefined): Promise<AuthPrincipal> {
    const removalsBefore = this.keyRemovals;
    const realm = this.realmOf(token);
    const { claims, kid, lightweight } = await this.verifyJwt(token, realm);
    if (claims.typ !== 'Bearer' && claims.typ !== 'DPoP') {
      throw new AuthError(AuthErrorCode.WrongTokenType);
    }
    checkIdentifierClaims(claims);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat === 'number' && claims.iat > now + this.settings.clockToleranceSeconds) {
      throw new AuthError(AuthErrorCode.NotYetValid);
    }
    const principal = toPrincipal(claims, this.settings.clientId, kid, realm.name);
    // A key set change during the check may have removed this token's key: do not cache it.
    if (key !== undefined && this.keyRemovals === removalsBefore) {
      // A lightweight token's claims came from introspection: kept no longer than its answer.
      const maxAgeMs = lightweight ? this.settings.introspectionCacheTtlMs : undefined;
      this.cache.set(key, principal, kid, Date.now(), maxAgeMs);
    }
    return principal;
  }

  /**
   * The accepted realm whose issuer the token names, before any key is fetched; the `iss` is
   * not trusted yet (jwtVerify checks it again with that realm's key). An unlisted issuer is
   * refused here (a missing one too), so it never causes a request; nor does a token jose
   * cannot decode. With one realm nothing is decoded: jose's issuer check decides, exactly as
   * before several realms.
   */
  private realmOf(token: string): AcceptedRealm {
    if (this.realms.length === 1) return this.realms[0];
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new AuthError(AuthErrorCode.MalformedToken);
    }
    for (const realm of this.realms) if (realm.discovery.endpoints.issuer === iss) return realm;
    throw new AuthError(AuthErrorCode.InvalidIssuer);
  }

  private async verifyJwt(
    token: string,
    realm: AcceptedRealm,
  ): Promise<{ claims: JWTPayload; kid?: string; lightweight?: true }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header, input) => realm.keys.getKey(header, input),
        {
          issuer: realm.discovery.endpoints.issuer,
          audience: [...this.settings.audiences],
          algorithms: [...this.settings.algorithms],
          clockTolerance: this.settings.clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        },
      );
      return { claims: payload, kid: protectedHeader.kid };
    } catch (error) {
      const refusal = this.toAuthError(error);
      // jose checks claims only after the signature: the payload is genuine here.
      if (!isClaimFailure(refusal) || !isLightweight(token)) throw refusal;
      if (this.settings.lightweightTokens === 'introspect') {
        return this.verifyLightweight(token, realm);
      }
      this.logLightweightRefusal();
      throw refusal;
    }
  }

  /**
   * A lightweight access token: signature, issuer, algorithm and expiry checked here; `sub`,
   * `aud`, roles and organizations taken from Keycloak's introspection answer, then the
   * audience rule applied to those (the rest of the checks follow in verifyUncached).
   */
  private async verifyLightweight(
    token: string,
    realm: AcceptedRealm,
  ): Promise<{ claims: JWTPayload; kid?: string; lightweight: true }> {
    let local: { payload: JWTPayload; kid?: string };
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header, input) => realm.keys.getKey(header, input),
        {
          issuer: realm.discovery.endpoints.issuer,
          algorithms: [...this.settings.algorithms],
          clockTolerance: this.settings.clockToleranceSeconds,
          requiredClaims: ['exp'],
        },
      );
      local = { payload, kid: protectedHeader.kid };
    } catch (error) {
      throw this.toAuthError(error);
    }
    if (!this.introspection) throw new AuthError(AuthErrorCode.IntrospectionUnavailable);
    const answer = await this.introspection.introspect(token, local.payload.exp, realm.name);
    if (!answer) throw new AuthError(AuthErrorCode.Inactive);
    const claims: Record<string, unknown> = { ...local.payload };
    for (const name of INTROSPECTED_CLAIMS) {
      if (answer[name] !== undefined) claims[name] = answer[name];
    }
    const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    const audiences = Array.isArray(aud) ? aud : [];
    if (!this.settings.audiences.some((audience) => audiences.includes(audience))) {
      throw new AuthError(AuthErrorCode.InvalidAudience);
    }
    return { claims: claims, kid: local.kid, lightweight: true };
  }

  private logLightweightRefusal(): void {
    const now = Date.now();
    if (now - this.lightweightLoggedAt < 60_000) return;
    this.lightweightLoggedAt = now;
    this.logger.warn(
      'Refused a lightweight access token (no sub, no aud: the client has "Always use lightweight access token" on). ' +
        'Set KEYCLOAK_LIGHTWEIGHT_TOKENS=introspect to accept such tokens through introspection, or turn the option off in Keycloak.',
    );
  }

  /** Maps jose's error classes to stable codes; anything unexpected fails closed as invalid. */
  private toAuthError(error: unknown): AuthError {
    if (error instanceof AuthError) return error;
    if (error instanceof errors.JWTExpired) return new AuthError(AuthErrorCode.Expired);
    if (error instanceof errors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case 'aud':
          return new AuthError(AuthErrorCode.InvalidAudience);
        case 'iss':
          return new AuthError(AuthErrorCode.InvalidIssuer);
        case 'nbf':
          return new AuthError(AuthErrorCode.NotYetValid);
        default:
          return new AuthError(AuthErrorCode.InvalidClaims);
      }
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return new AuthError(AuthErrorCode.InvalidSignature);
    }
    if (error instanceof errors.JOSEError) return new AuthError(AuthErrorCode.MalformedToken);
    // Not jose, not ours: a bug or a key jose could not import. Refuse, and say so in the log.
    this.logger.error(`Unexpected verification failure: ${(error as Error)?.name ?? 'unknown'}`);
    return new AuthError(AuthErrorCode.InvalidToken);
  }
}

/** What an introspection answer supplies that a lightweight token leaves out. */
const INTROSPECTED_CLAIMS = [
  'sub',
  'aud',
  'realm_access',
  'resource_access',
  'organization',
  'preferred_username',
  'email',
] as const;

/** A refusal jose reached after the signature, on the claims: audience, or a missing sub. */
function isClaimFailure(error: AuthError): boolean {
  return error.code === AuthErrorCode.InvalidAudience || error.code === AuthErrorCode.InvalidClaims;
}

/** Keycloak's lightweight shape: neither `sub` nor `aud` in the payload. */
function isLightweight(token: string): boolean {
  try {
    const payload = decodeJwt(token);
    return payload.sub === undefined && payload.aud === undefined;
  } catch {
    return false;
  }
}

/** The principal, when its token may come with `scheme`; else the AuthError that says why not. */
function matchScheme(principal: AuthPrincipal, scheme: TokenScheme): AuthPrincipal {
  const bound = boundKeyOf(principal) !== undefined;
  const dpopTyp = principal.claims.typ === 'DPoP';
  if (scheme === 'Bearer' && (bound || dpopTyp)) {
    throw new AuthError(AuthErrorCode.BoundTokenAsBearer, { kid: principal.kid });
  }
  if (scheme === 'DPoP' && !(bound && dpopTyp)) {
    throw new AuthError(AuthErrorCode.UnboundTokenAsDpop, { kid: principal.kid });
  }
  return principal;
}

/** The RFC 7638 thumbprint a DPoP-bound token names (`cnf.jkt`), if any. */
export function boundKeyOf(principal: Pick<AuthPrincipal, 'claims'>): string | undefined {
  const cnf = principal.claims.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' && jkt !== '' ? jkt : undefined;
}
