import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  type JWK,
} from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode, type DpopCheck } from '../errors/auth-error.js';
import { RedisConnection } from '../redis/redis-connection.js';
import { SeenOnce } from '../redis/seen-once.js';
import { headerCount, type BearerRequest } from '../token/bearer-request.js';

/** Proof `jti`s remembered at most in this process; the oldest goes first. */
export const MAX_DPOP_JTIS = 100_000;
/** Proof keys kept imported at most (a client signs every proof with one key); oldest first. */
export const MAX_DPOP_KEYS = 1_000;

/** A proof's public key, imported for its `alg`, and its RFC 7638 thumbprint. */
interface ProofKey {
  readonly key: Awaited<ReturnType<typeof importJWK>>;
  readonly jkt: string;
}

/** What the proof check reads of a request, on Express and on Fastify alike. */
export interface DpopRequest extends BearerRequest {
  method?: string;
  /** The scheme, as the platform's trust-proxy setting reads it. */
  protocol?: string;
  /** Host and port, as the platform's trust-proxy setting reads them. */
  host?: string;
  /** Express: the path before any router stripped a prefix. */
  originalUrl?: string;
}

/** Members only a private or symmetric key has: a proof's `jwk` must have none. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** A compact JWS: three base64url parts. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Checks the `DPoP` proof of a request against its access token, as RFC 9449 §4.3 says: exactly
 * one proof; `typ` `dpop+jwt`; an allowed asymmetric `alg`; a public `jwk` that verifies it;
 * `htm` the request's method; `htu` the request's URL without query and fragment (from
 * `publicBaseUrl` when set); `iat` within `dpopProofMaxAgeSeconds` plus the clock tolerance;
 * `ath` the SHA-256 of the token; the key's thumbprint the token's `cnf.jkt`; and a `jti` not
 * seen before within the proof's lifetime (in Redis too, when configured, so a proof replayed to
 * another replica is refused). Each failure is an AuthError naming the check.
 */
@Injectable()
export class DpopProofVerifier {
  private readonly jtis: SeenOnce;
  /** By `alg` and key members: importing a key and hashing its thumbprint cost a third of a check. */
  private readonly keys = new Map<string, Promise<ProofKey>>();

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Optional() @Inject(RedisConnection) redis?: RedisConnection,
  ) {
    this.jtis = new SeenOnce('dpop_jti', 'dpop-jti', MAX_DPOP_JTIS, redis);
  }

  /** Resolves when the request's proof is valid for `token`, bound to the key `jkt`. */
  async verify(request: DpopRequest, token: string, jkt: string): Promise<void> {
    const proof = request.headers.dpop;
    if (headerCount(request, 'dpop') !== 1 || typeof proof !== 'string') refuse('count');
    if (!COMPACT_JWS.test(proof)) refuse('malformed');
    const header = protectedHeader(proof);
    if (header.typ !== 'dpop+jwt') refuse('typ');
    if (typeof header.alg !== 'string' || !this.settings.dpopAlgorithms.includes(header.alg)) {
      refuse('alg');
    }
    const jwk = header.jwk;
    if (!isPublicJwk(jwk)) refuse('jwk');
    const proofKey = await this.keyOf(jwk, header.alg);
    const claims = await this.signedClaims(proof, proofKey);

    if (claims.htm !== request.method) refuse('htm');
    if (!this.sameUrl(claims.htu, request)) refuse('htu');
    const now = Math.floor(Date.now() / 1000);
    const { clockToleranceSeconds: tolerance, dpopProofMaxAgeSeconds: maxAge } = this.settings;
    const iat = claims.iat;
    if (typeof iat !== 'number' || now - iat > maxAge + tolerance || iat - now > tolerance) {
      refuse('iat');
    }
    const jti = claims.jti;
    if (typeof jti !== 'string' || jti === '' || jti.length > 256) refuse('jti');
    if (claims.ath !== sha256(token)) refuse('ath');
    if (proofKey.jkt !== jkt) refuse('binding');
    // Last, so a proof refused for another reason does not use up its jti.
    const untilMs = (iat + maxAge + tolerance + 1) * 1000;
    if (!(await this.jtis.first(`${jkt}:${jti}`, untilMs))) refuse('replayed');
  }

  /**
   * The header's key, imported for `alg`, with its thumbprint: kept for the next proofs of the
   * same client. A key that does not import is a proof whose signature cannot be checked.
   */
  private async keyOf(jwk: JWK, alg: string): Promise<ProofKey> {
    const id = `${alg} ${JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e])}`;
    let known = this.keys.get(id);
    if (known === undefined) {
      known = importProofKey(jwk, alg);
      this.keys.set(id, known);
      if (this.keys.size > MAX_DPOP_KEYS) this.keys.delete(this.keys.keys().next().value!);
      known.catch(() => this.keys.delete(id));
    }
    try {
      return await known;
    } catch {
      return refuse('signature');
    }
  }

  private async signedClaims(proof: string, { key }: ProofKey): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(proof, key, {
        algorithms: [...this.settings.dpopAlgorithms],
        typ: 'dpop+jwt',
      });
      return payload;
    } catch {
      return refuse('signature');
    }
  }

  /** Whether `htu` is this request's URL: scheme, host, port and path, with no query. */
  private sameUrl(htu: unknown, request: DpopRequest): boolean {
    if (typeof htu !== 'string') return false;
    let given: URL;
    let expected: URL;
    try {
      given = new URL(htu);
      expected = new URL(this.expectedUrl(request));
    } catch {
      return false;
    }
    if (given.search !== '' || given.hash !== '' || htu.includes('?') || htu.includes('#')) {
      return false;
    }
    return given.origin === expected.origin && given.pathname === expected.pathname;
  }

  private expectedUrl(request: DpopRequest): string {
    const target = request.originalUrl ?? request.raw?.url ?? request.url ?? '/';
    const path = target.split('?', 1)[0];
    if (this.settings.publicBaseUrl !== undefined) return this.settings.publicBaseUrl + path;
    const host = request.host ?? request.headers.host;
    return `${request.protocol ?? 'http'}://${typeof host === 'string' ? host : ''}${path}`;
  }
}

function refuse(dpopCheck: DpopCheck): never {
  throw new AuthError(AuthErrorCode.InvalidDpopProof, { dpopCheck });
}

function protectedHeader(proof: string): ReturnType<typeof decodeProtectedHeader> {
  try {
    return decodeProtectedHeader(proof);
  } catch {
    return refuse('malformed');
  }
}

async function importProofKey(jwk: JWK, alg: string): Promise<ProofKey> {
  const [key, jkt] = await Promise.all([
    importJWK(jwk, alg),
    calculateJwkThumbprint(jwk, 'sha256'),
  ]);
  return { key, jkt };
}

function isPublicJwk(jwk: unknown): jwk is JWK {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return false;
  const kty = (jwk as JWK).kty;
  if (kty !== 'EC' && kty !== 'RSA' && kty !== 'OKP') return false;
  return PRIVATE_MEMBERS.every((member) => !(member in jwk));
}

/** The base64url SHA-256 of the access token: a proof's `ath`. */
function sha256(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
