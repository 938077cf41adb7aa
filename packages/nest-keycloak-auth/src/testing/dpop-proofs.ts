import { createHash, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';

/** A client's DPoP key pair, as `dpopKey()` makes it. */
export interface DpopKey {
  readonly alg: string;
  readonly privateKey: CryptoKey;
  /** The public key, as a proof's header carries it. */
  readonly publicJwk: JWK;
  /** Its RFC 7638 SHA-256 thumbprint: a bound token's `cnf.jkt` (`tokenFor(user, { dpopJkt })`). */
  readonly jkt: string;
}

/** A new DPoP key pair (ES256 unless told otherwise), as a client makes one per session. */
export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/**
 * A DPoP proof (RFC 9449 §4.2) for one request; the other options break one check each, as a
 * client in error (or an attacker) would.
 */
export interface DpopProofOptions {
  key: DpopKey;
  /** The request's method, e.g. 'GET'. */
  htm: string;
  /** The request's URL without query and fragment, e.g. 'http://127.0.0.1:3000/me'. */
  htu: string;
  /** The access token the request carries: its SHA-256 becomes `ath`. */
  token?: string;
  /** `ath` as given (overrides `token`'s); null leaves it out. */
  ath?: string | null;
  /** Absolute NumericDate (default: now). */
  iat?: number;
  /** Default: a fresh UUID; null leaves it out. */
  jti?: string | null;
  /** Header `typ` (default 'dpop+jwt'); null leaves it out. */
  typ?: string | null;
  /** The header's `jwk` (default the key's public JWK), e.g. with private members added. */
  jwk?: JWK;
  /** Sign with another key than the one the header names. */
  signWith?: DpopKey;
}

/** A signed DPoP proof JWT, for the `DPoP` request header. */
export async function dpopProof(options: DpopProofOptions): Promise<string> {
  const { key, htm, htu } = options;
  const ath =
    options.ath === undefined
      ? options.token === undefined
        ? undefined
        : createHash('sha256').update(options.token).digest('base64url')
      : (options.ath ?? undefined);
  const jti = options.jti === undefined ? randomUUID() : (options.jti ?? undefined);
  const typ = options.typ === undefined ? 'dpop+jwt' : (options.typ ?? undefined);
  const signer = options.signWith ?? key;
  return new SignJWT({
    htm,
    htu,
    ...(jti !== undefined && { jti }),
    ...(ath !== undefined && { ath }),
  })
    .setProtectedHeader({ alg: signer.alg, ...(typ && { typ }), jwk: options.jwk ?? key.publicJwk })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(signer.privateKey);
}

/** The private JWK of a key: a proof whose header carries it must be refused. */
export function privateJwkOf(key: DpopKey): Promise<JWK> {
  return exportJWK(key.privateKey);
}
