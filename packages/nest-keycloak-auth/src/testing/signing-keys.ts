import {
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';

/** Asymmetric JWS algorithms the stand-in can sign with (Keycloak realm key providers). */
export type SigningAlg = 'RS256' | 'ES256' | 'PS256';

/** A public key as published by the certs (JWKS) endpoint. */
export interface PublicJwk extends JWK {
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

/** One realm signing key: the private half mints tokens, the public half is published. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: CryptoKey;
  readonly publicJwk: PublicJwk;
  /** SPKI PEM of the public key (what Keycloak shows as the realm "public key"). */
  readonly publicPem: string;
}

/** Generates a fresh key pair; the kid defaults to the key's RFC 7638 thumbprint. */
export async function createSigningKey(alg: SigningAlg, kid?: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const keyId = kid ?? (await calculateJwkThumbprint(jwk));
  return {
    kid: keyId,
    alg,
    privateKey,
    publicJwk: { ...jwk, kid: keyId, alg, use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

const spares = new Map<SigningAlg, Promise<SigningKey>>();

/**
 * A new key of this alg, taken from a pre-generated spare when one is ready (RSA generation
 * takes a few hundred ms); the next spare is generated in the background.
 */
export function takeSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const key = spares.get(alg) ?? createSigningKey(alg);
  const spare = createSigningKey(alg);
  spare.catch(() => undefined); // a failure surfaces when the spare is taken
  spares.set(alg, spare);
  return key;
}

/** The realm's active signing keys; the most recently added one is the current key. */
export class KeyRing {
  private readonly keys: SigningKey[] = [];

  /** Creates a ring holding one freshly generated key. */
  static async create(alg: SigningAlg): Promise<KeyRing> {
    const ring = new KeyRing();
    ring.add(await takeSigningKey(alg));
    return ring;
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this.keys[this.keys.length - 1];
  }

  /** Looks a key up by kid. */
  find(kid: string): SigningKey | undefined {
    return this.keys.find((key) => key.kid === kid);
  }

  /** Adds a key and makes it current. */
  add(key: SigningKey): void {
    this.keys.push(key);
  }

  /** Removes a key; the newest remaining key becomes current. Refuses to empty the ring. */
  remove(kid: string): void {
    const index = this.keys.findIndex((key) => key.kid === kid);
    if (index < 0) throw new Error(`Unknown kid ${kid}`);
    if (this.keys.length === 1) throw new Error('Cannot remove the only signing key');
    this.keys.splice(index, 1);
  }

  /** The public JWKS document. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map((key) => ({ ...key.publicJwk })) };
  }
}
