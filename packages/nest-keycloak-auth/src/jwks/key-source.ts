import type { CryptoKey, FlattenedJWSInput, JWTHeaderParameters } from 'jose';

/** What the readiness check reports about the verification keys. */
export interface KeySourceStatus {
  /** A key set has been loaded at least once. */
  ready: boolean;
  keyCount: number;
  /** Epoch ms of the last successful fetch, 0 when none. */
  fetchedAt: number;
  /** The last fetch attempt failed (cached keys, if any, are still served). */
  lastFetchFailed: boolean;
}

/**
 * Where token verification gets its public keys. The type is also the injection token, so a
 * team or a test can swap it with `overrideProvider(KeySource)`.
 */
export abstract class KeySource {
  /** Resolves the key for a token header, in the shape jose's `jwtVerify` accepts. */
  abstract getKey(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;

  /** State of the key set, for readiness. */
  abstract status(): KeySourceStatus;

  /** Calls `listener` with the kids that disappeared each time a refetch drops keys. */
  abstract onKeysRemoved(listener: (kids: readonly string[]) => void): void;
}
