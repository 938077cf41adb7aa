import { Inject, Injectable, Logger } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { KeySource } from '../jwks/key-source.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { toPrincipal, type AuthPrincipal } from '../principal.js';
import { publishCacheLookup } from '../telemetry/auth-channels.js';
import { tokenDigest } from './token-digest.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Verifies a Keycloak access token with jose: signature from the realm's JWKS, algorithm
 * allow-list, exact issuer, audience, `exp` (required), `nbf`, `iat`, `sub`, and the
 * Keycloak `typ` claim, which must be `Bearer` (ID and refresh tokens are refused).
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger('TokenVerifier');
  private readonly cache: VerifiedTokenCache;
  /** Counts key removals, so a verification that raced one is not cached afterwards. */
  private keyRemovals = 0;
  /** The issuer the cached principals were verified against. */
  private cacheIssuer?: string;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(KeySource) private readonly keys: KeySource,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
  ) {
    this.cache = new VerifiedTokenCache(
      settings.tokenCacheMaxEntries,
      settings.tokenCacheMaxAgeMs,
      settings.clockToleranceSeconds * 1000,
    );
    keys.onKeysRemoved((kids) => {
      this.keyRemovals++;
      this.cache.dropKeys(kids);
    });
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
   * its full verification. Throws (or rejects) with AuthError as verify does.
   */
  check(token: string): AuthPrincipal | Promise<AuthPrincipal> {
    this.checkIssuer();
    // The token is hashed once per request: the digest is the key for both get and set.
    if (!this.cache.enabled) return this.verifyUncached(token, undefined);
    const key = tokenDigest(token);
    const principal = this.cache.get(key);
    publishCacheLookup('verified_token', principal !== undefined);
    return principal ?? this.verifyUncached(token, key);
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
    const { claims, kid } = await this.verifyJwt(token);
    if (claims.typ !== 'Bearer') throw new AuthError(AuthErrorCode.WrongTokenType);
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) {
      throw new AuthError(AuthErrorCode.InvalidClaims);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat === 'number' && claims.iat > now + this.settings.clockToleranceSeconds) {
      throw new AuthError(AuthErrorCode.NotYetValid);
    }
    const principal = toPrincipal(claims, this.settings.clientId, kid);
    // A key set change during the check may have removed this token's key: do not cache it.
    if (key !== undefined && this.keyRemovals === removalsBefore) {
      this.cache.set(key, principal, kid);
    }
    return principal;
  }

  private async verifyJwt(token: string): Promise<{ claims: JWTPayload; kid?: string }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header, input) => this.keys.getKey(header, input),
        {
          issuer: this.discovery.endpoints.issuer,
          audience: [...this.settings.audiences],
          algorithms: [...this.settings.algorithms],
          clockTolerance: this.settings.clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        },
      );
      return { claims: payload, kid: protectedHeader.kid };
    } catch (error) {
      throw this.toAuthError(error);
    }
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
