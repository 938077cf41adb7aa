/**
 * The revocation lookup alone: `InMemoryRevocationList.isRevoked` (what the JWT guard calls on
 * every protected request once the token is verified), timed for a token whose session is not
 * revoked, with the list empty and holding <sessions> revoked sessions of the token's realm,
 * alternately. Run by bench/run.ts as `node dist-bench/bench/revocation-lookup.js <sessions>` on
 * the servers' Node and CPU, before they start; prints one line, `revocation-lookup {json}`,
 * with nanoseconds per call.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { InMemoryRevocationList, type RevocableToken } from 'nest-keycloak-auth';
import type { LookupTimes } from './revocation-setup.js';

const CALLS = 2_000_000;
const REPEATS = 7;
/** What the list reads of the settings: a receiver is on, logouts are kept an hour. */
const SETTINGS = { backchannelLogoutAudiences: ['nest-api-web'], revocationRetentionSeconds: 3600 };

/** A verified token as the guard passes it: alice's, in its own session, valid five minutes. */
function token(): RevocableToken {
  const iat = Math.floor(Date.now() / 1000);
  return {
    realm: 'demo',
    sid: randomUUID(),
    sub: '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6',
    claims: { iat, exp: iat + 300 },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** ns per `isRevoked` call over CALLS calls; throws if any call said revoked. */
function time(list: InMemoryRevocationList, principal: RevocableToken): number {
  let revoked = 0;
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) if (list.isRevoked(principal)) revoked++;
  const ns = ((performance.now() - started) * 1e6) / CALLS;
  if (revoked) throw new Error('the bench token was revoked');
  return ns;
}

async function main(): Promise<void> {
  const sessions = Number(process.argv[2]);
  if (!Number.isInteger(sessions) || sessions <= 0) throw new Error('usage: <sessions>');
  const settings = SETTINGS as unknown as ConstructorParameters<typeof InMemoryRevocationList>[0];
  const empty = new InMemoryRevocationList(settings);
  const full = new InMemoryRevocationList(settings);
  const iat = Math.floor(Date.now() / 1000);
  for (let i = 0; i < sessions; i++) {
    await full.revoke({ realm: 'demo', sid: randomUUID(), iat });
  }
  if (full.entries !== sessions) throw new Error(`${full.entries} sessions held`);
  const principal = token();
  const emptyRuns: number[] = [];
  const revokedRuns: number[] = [];
  // Alternately, so a slower second on a shared machine falls on both.
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    emptyRuns.push(time(empty, principal));
    revokedRuns.push(time(full, principal));
  }
  // Medians over REPEATS loops of CALLS calls each.
  const times: LookupTimes = {
    emptyNs: median(emptyRuns),
    revokedNs: median(revokedRuns),
    sessions: full.entries,
  };
  process.stdout.write(`revocation-lookup ${JSON.stringify(times)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
