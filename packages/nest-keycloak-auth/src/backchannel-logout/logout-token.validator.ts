import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { KeySource } from '../jwks/key-source.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { RealmDirectory, type AcceptedRealm } from '../realms/realm-directory.js';
import type { Logout } from '../revocation/revocation-list.js';
import { LogoutRefusal, LogoutRefusalCode as Code } from './logout-refusal.js';

/** The member of `events` that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token that passed every check of §2.6. */
export interface ValidLogoutToken extends Logout {
  readonly jti: string;
  /** When the logout token expires, in seconds since the epoch. */
  readonly exp: number;
}

/**
 * Validates a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 says, with the
 * access tokens' key sets (same kid refetch and cooldown), algorithm allow-list and clock
 * tolerance: signature, `iss` of an accepted realm, `aud` of `backchannelLogoutAudiences`,
 * `iat`, `exp`, the logout event, `sid` or `sub`, no `nonce`, header `typ` `logout+jwt` when
 * present, and a `jti`. Whether the `jti` was seen before is the receiver's question.
 */
@Injectable()
export class LogoutTokenValidator {
  private readonly logger = new Logger('BackchannelLogout');
  private readonly realms: readonly AcceptedRealm[];

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(KeySource) keys: KeySource,
    @Inject(OidcDiscoveryService) discovery: OidcDiscoveryService,
    @Optional() @Inject(RealmDirectory) directory?: RealmDirectory,
  ) {
    this.realms = directory?.all ?? [{ name: settings.realm, discovery, keys }];
  }

  /** The logout the token asks for; throws {@link LogoutRefusal} otherwise. */
  async validate(token: string): Promise<ValidLogoutToken> {
    const realm = this.realmOf(token);
    const { payload, typ } = await this.verify(token, realm);
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = payload as { iat: number; exp: number };
    if (iat > now + this.settings.clockToleranceSeconds || iat > exp) {
      throw new LogoutRefusal(Code.InvalidIssuedAt);
    }
    if (!hasLogoutEvent(payload.events)) throw new LogoutRefusal(Code.MissingEvent);
    const sid = nonEmptyString(payload.sid);
    const sub = nonEmptyString(payload.sub);
    if (sid === null || sub === null || (sid === undefined && sub === undefined)) {
      throw new LogoutRefusal(Code.MissingSubject);
    }
    if (payload.nonce !== undefined) throw new LogoutRefusal(Code.NoncePresent);
    if (typ !== undefined && !/^(application\/)?logout\+jwt$/i.test(typ)) {
      throw new LogoutRefusal(Code.WrongType);
    }
    const jti = nonEmptyString(payload.jti);
    if (!jti) throw new LogoutRefusal(Code.MissingJti);
    return { realm: realm.name, iat, exp, jti, ...(sid && { sid }), ...(sub && { sub }) };
  }

  /** The accepted realm whose issuer the token names (not trusted until its key says so). */
  private realmOf(token: string): AcceptedRealm {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new LogoutRefusal(Code.Malformed);
    }
    const realm = this.realms.find(({ discovery }) => discovery.endpoints.issuer === iss);
    if (realm === undefined) throw new LogoutRefusal(Code.InvalidIssuer);
    return realm;
  }

  private async verify(token: string, realm: AcceptedRealm) {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header, input) => realm.keys.getKey(header, input),
        {
          issuer: realm.discovery.endpoints.issuer,
          audience: [...this.settings.backchannelLogoutAudiences],
          algorithms: [...this.settings.algorithms],
          clockTolerance: this.settings.clockToleranceSeconds,
          requiredClaims: ['iat', 'exp'],
        },
      );
      return { payload, typ: protectedHeader.typ };
    } catch (error) {
      throw this.refusalOf(error);
    }
  }

  /** jose's and the key source's failures as stable codes; anything else fails closed. */
  private refusalOf(error: unknown): LogoutRefusal {
    if (error instanceof AuthError) {
      const code = error.code === AuthErrorCode.UnknownKey ? Code.UnknownKey : Code.KeysUnavailable;
      return new LogoutRefusal(code);
    }
    if (error instanceof errors.JWTExpired) return new LogoutRefusal(Code.Expired);
    if (error instanceof errors.JWTClaimValidationFailed) {
      return new LogoutRefusal(CLAIM_REFUSALS[error.claim] ?? Code.Malformed);
    }
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JOSEAlgNotAllowed
    ) {
      return new LogoutRefusal(Code.InvalidSignature);
    }
    if (!(error instanceof errors.JOSEError)) {
      this.logger.error(`Unexpected logout token failure: ${(error as Error)?.name ?? 'unknown'}`);
    }
    return new LogoutRefusal(Code.Malformed);
  }
}

const CLAIM_REFUSALS: Record<string, LogoutRefusal['code']> = {
  iss: Code.InvalidIssuer,
  aud: Code.InvalidAudience,
  iat: Code.InvalidIssuedAt,
  exp: Code.Expired,
};

function hasLogoutEvent(events: JWTPayload['events']): boolean {
  return (
    isObject(events) && isObject((events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT])
  );
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string; undefined when absent; null when present but not a non-empty string. */
function nonEmptyString(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 ? value : null;
}
