import { writeFile } from 'node:fs/promises';
import { dpopKey, dpopProof, type DpopKey, type KeycloakStandIn } from 'nest-keycloak-auth/testing';

/** Proofs signed for the warm-up, before any run has said how many a run sends. */
const FIRST_REFILL = 30_000;
/** Proofs in flight at once while signing (WebCrypto signs on libuv's pool). */
const BATCH = 256;

/**
 * The `dpop` instance's requests (issue 23): alice's DPoP-bound token, and before each run a
 * file of fresh proofs for `GET <url>`, one per request (`<token> <proof>` a line, read by
 * bench/wrk.lua with dpop=1). Each proof has its own `jti` and is signed just before the run, so
 * every request carries a proof the API has not seen, within DPOP_PROOF_MAX_AGE_SECONDS: the
 * run prices the proof's check (signature, claims, `jti` store) on top of the token cache hit.
 */
export class DpopRequests {
  private most = 0;

  private constructor(
    private readonly key: DpopKey,
    private readonly token: string,
    readonly path: string,
  ) {}

  /** alice's token bound to a new ES256 key; the proofs go to `path` (mode 600). */
  static async create(keycloak: KeycloakStandIn, path: string): Promise<DpopRequests> {
    const key = await dpopKey('ES256');
    const token = await keycloak.tokenFor('alice', { expiresIn: 3600, dpopJkt: key.jkt });
    return new DpopRequests(key, token, path);
  }

  /**
   * Writes fresh proofs for `url`: enough for 1.5 times the most requests a run has sent so far
   * (a run that sends more wraps round, and its replayed proofs are answered 401, which the
   * report shows as other answers than expected). Resolves with the seconds signing took.
   */
  async refill(url: string): Promise<number> {
    const started = performance.now();
    const count = this.most ? Math.ceil(this.most * 1.5) + 1_000 : FIRST_REFILL;
    const lines: string[] = [];
    while (lines.length < count) {
      const n = Math.min(BATCH, count - lines.length);
      const sign = () => dpopProof({ key: this.key, htm: 'GET', htu: url, token: this.token });
      const proofs = await Promise.all(Array.from({ length: n }, sign));
      lines.push(...proofs.map((proof) => `${this.token} ${proof}\n`));
    }
    await writeFile(this.path, lines.join(''), { mode: 0o600 });
    return (performance.now() - started) / 1000;
  }

  /** Records how many requests a run sent, for the next refill's size. */
  sent(requests: number): void {
    this.most = Math.max(this.most, requests);
  }
}
