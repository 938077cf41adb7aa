import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { HAS_TASKSET } from './app-process.js';

/** Sessions the `revocation` instance holds as logged out during its runs. */
export const REVOKED_SESSIONS = 10_000;
/** The client the stand-in's logout tokens are addressed to: the instance's receiver audience. */
export const LOGOUT_AUDIENCE = 'nest-api-web';
const BACKCHANNEL_LOGOUT = '/auth/backchannel-logout';
/** Logouts in flight at once while posting. */
const CONCURRENCY = 16;

/** Logout tokens of distinct sessions, and an access token whose session is among them. */
export interface Logouts {
  tokens: string[];
  /** alice's token in the first logged-out session: the instance must refuse it. */
  loggedOut: string;
}

/**
 * Signs `count` logout tokens of the stand-in, one session (`sid`) each, none of them a session
 * of the bench's tokens (each token has a session of its own); WebCrypto signs on libuv's pool.
 */
export async function signLogouts(keycloak: KeycloakStandIn, count: number): Promise<Logouts> {
  const sids = Array.from({ length: count }, () => randomUUID());
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 256) {
    const batch = sids.slice(start, start + 256);
    tokens.push(...(await Promise.all(batch.map((sid) => keycloak.logoutToken({ sid })))));
  }
  const loggedOut = await keycloak.tokenFor('alice', { expiresIn: 3600, sid: sids[0] });
  return { tokens, loggedOut };
}

/**
 * Posts the logouts to the instance's back-channel receiver as Keycloak does (a form body), a
 * few at a time; throws unless every one is accepted (200) and the logged-out token is refused.
 * Resolves with the seconds it took.
 */
export async function postLogouts(url: string, logouts: Logouts): Promise<number> {
  const started = performance.now();
  let next = 0;
  const post = async (): Promise<void> => {
    while (next < logouts.tokens.length) {
      const token = logouts.tokens[next++];
      const response = await fetch(url + BACKCHANNEL_LOGOUT, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
      const body = await response.text();
      if (response.status !== 200) {
        throw new Error(`POST ${BACKCHANNEL_LOGOUT} answered ${response.status}: ${body}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, post));
  const refused = await fetch(`${url}/items`, {
    headers: { authorization: `Bearer ${logouts.loggedOut}` },
  });
  await refused.arrayBuffer();
  if (refused.status !== 401) {
    throw new Error(`a token of a logged-out session got ${refused.status} on GET /items, not 401`);
  }
  return (performance.now() - started) / 1000;
}

/** ns per `isRevoked` call, the list empty and holding REVOKED_SESSIONS (bench/revocation-lookup.ts). */
export interface LookupTimes {
  emptyNs: number;
  revokedNs: number;
  sessions: number;
}

/** Runs bench/revocation-lookup.ts on `node`, pinned to `cpu` when given, and reads its line. */
export function measureLookup(root: string, node: string, cpu: number | undefined): LookupTimes {
  const script = ['dist-bench/bench/revocation-lookup.js', String(REVOKED_SESSIONS)];
  const [command, ...args] =
    cpu !== undefined && HAS_TASKSET
      ? ['taskset', '-c', String(cpu), node, ...script]
      : [node, ...script];
  const output = execFileSync(command, args, { cwd: root, encoding: 'utf8' });
  const line = output.split('\n').find((l) => l.startsWith('revocation-lookup '));
  if (!line) throw new Error(`revocation-lookup printed no result: ${output.trim()}`);
  return JSON.parse(line.slice('revocation-lookup '.length)) as LookupTimes;
}
