/**
 * Stable codes of every way a back-channel logout is refused. Audit entries and the
 * `backchannelLogout` channel carry them; the 400 answer carries {@link LOGOUT_REFUSAL_TEXT}.
 */
export const LogoutRefusalCode = {
  /** No `logout_token` form field, or the body is not `application/x-www-form-urlencoded`. */
  InvalidRequest: 'ERR_LOGOUT_INVALID_REQUEST',
  /** Not a signed JWT jose can read. */
  Malformed: 'ERR_LOGOUT_MALFORMED_TOKEN',
  /** Bad signature, or an algorithm off the allow-list (`none`, HS*). */
  InvalidSignature: 'ERR_LOGOUT_INVALID_SIGNATURE',
  /** The realm's key set has no key of that `kid`, even after a refetch. */
  UnknownKey: 'ERR_LOGOUT_UNKNOWN_KEY',
  /** The realm's keys could not be fetched. */
  KeysUnavailable: 'ERR_LOGOUT_KEYS_UNAVAILABLE',
  InvalidIssuer: 'ERR_LOGOUT_INVALID_ISSUER',
  InvalidAudience: 'ERR_LOGOUT_INVALID_AUDIENCE',
  /** `iat` missing, in the future (beyond the clock tolerance) or after `exp`. */
  InvalidIssuedAt: 'ERR_LOGOUT_INVALID_IAT',
  /** `exp` missing or passed. */
  Expired: 'ERR_LOGOUT_EXPIRED',
  /** No `events` object with the back-channel logout event. */
  MissingEvent: 'ERR_LOGOUT_MISSING_EVENT',
  /** Neither a `sid` nor a `sub` (as non-empty strings). */
  MissingSubject: 'ERR_LOGOUT_MISSING_SUBJECT',
  /** A `nonce`: an ID token, not a logout token. */
  NoncePresent: 'ERR_LOGOUT_NONCE_PRESENT',
  /** A header `typ` other than `logout+jwt`. */
  WrongType: 'ERR_LOGOUT_WRONG_TYPE',
  MissingJti: 'ERR_LOGOUT_MISSING_JTI',
  /** A `jti` already received: a replay. */
  Replayed: 'ERR_LOGOUT_REPLAYED',
  /** The token was valid, but recording the logout failed (fails closed: not applied, logged). */
  Unavailable: 'ERR_LOGOUT_UNAVAILABLE',
} as const;

/** One of the {@link LogoutRefusalCode} values. */
export type LogoutRefusalCode = (typeof LogoutRefusalCode)[keyof typeof LogoutRefusalCode];

/** The fixed `error_description` of each refusal: never library text or token content. */
export const LOGOUT_REFUSAL_TEXT: Readonly<Record<LogoutRefusalCode, string>> = Object.freeze({
  [LogoutRefusalCode.InvalidRequest]: 'Expected a form body with one logout_token',
  [LogoutRefusalCode.Malformed]: 'The logout token is not a signed JWT',
  [LogoutRefusalCode.InvalidSignature]: 'The logout token signature is not valid',
  [LogoutRefusalCode.UnknownKey]: 'The logout token is signed with an unknown key',
  [LogoutRefusalCode.KeysUnavailable]: 'The logout token cannot be verified now',
  [LogoutRefusalCode.InvalidIssuer]: 'The logout token issuer is not accepted',
  [LogoutRefusalCode.InvalidAudience]: 'The logout token audience is not accepted',
  [LogoutRefusalCode.InvalidIssuedAt]: 'The logout token iat is missing or invalid',
  [LogoutRefusalCode.Expired]: 'The logout token has expired or has no exp',
  [LogoutRefusalCode.MissingEvent]: 'The logout token has no back-channel logout event',
  [LogoutRefusalCode.MissingSubject]: 'The logout token has neither sid nor sub',
  [LogoutRefusalCode.NoncePresent]: 'The logout token must not contain a nonce',
  [LogoutRefusalCode.WrongType]: 'The logout token typ is not logout+jwt',
  [LogoutRefusalCode.MissingJti]: 'The logout token has no jti',
  [LogoutRefusalCode.Replayed]: 'The logout token was already received',
  [LogoutRefusalCode.Unavailable]: 'The logout cannot be applied now',
});

/** A refused logout token. The validator throws it; the receiver answers it with 400. */
export class LogoutRefusal extends Error {
  override readonly name = 'LogoutRefusal';

  constructor(readonly code: LogoutRefusalCode) {
    super(code);
  }
}
