import type { JWTPayload } from 'jose';
import { takeSigningKey, type PublicJwk } from './signing-keys.js';
import { signJwt } from './token-factory.js';

/** What the forging helpers need from a stand-in (KeycloakStandIn satisfies it). */
export interface PublicKeySource {
  readonly currentKid: string;
  publicKeyPem(kid?: string): string;
  publicJwk(kid?: string): PublicJwk;
}

/** An unsigned token (`alg: none`, empty signature) carrying the given claims. */
export function forgeAlgNone(claims: JWTPayload, header: Record<string, unknown> = {}): string {
  return `${encodeJson({ alg: 'none', typ: 'JWT', ...header })}.${encodeJson(claims)}.`;
}

/**
 * Key-confusion attack: HS256 signed with the stand-in's public key as the HMAC secret.
 * `secret: 'pem'` (default) uses the SPKI PEM text, `'jwk'` the JSON of the public JWK.
 */
export async function forgeHs256WithPublicKey(
  source: PublicKeySource,
  claims: JWTPayload,
  secret: 'pem' | 'jwk' = 'pem',
): Promise<string> {
  const text = secret === 'pem' ? source.publicKeyPem() : JSON.stringify(source.publicJwk());
  const header = { alg: 'HS256', typ: 'JWT', kid: source.currentKid };
  return signJwt(new TextEncoder().encode(text), header, claims);
}

/** A token signed by a freshly generated key of the same alg, claiming the current kid. */
export async function forgeWithForeignKey(
  source: PublicKeySource,
  claims: JWTPayload,
): Promise<string> {
  const { alg, kid } = source.publicJwk();
  const foreign = await takeSigningKey(alg);
  return signJwt(foreign.privateKey, { alg, typ: 'JWT', kid }, claims);
}

/** Rewrites a token's payload but keeps its header and original signature; undefined deletes. */
export function tamperPayload(token: string, patch: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims: Record<string, unknown> = {
    ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object),
    ...patch,
  };
  for (const [name, value] of Object.entries(patch)) if (value === undefined) delete claims[name];
  return `${header}.${encodeJson(claims)}.${signature}`;
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
