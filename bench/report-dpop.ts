/**
 * The report's part for issue 23: `GET /items` with a DPoP-bound token and a fresh proof per
 * request (dpop) beside the same route with a Bearer token (cache-on), both verified-token cache
 * hits, measured in the same rounds. bench/run.ts adds the section to the report.
 */
import {
  cpuPerRequest,
  reqPerSec,
  roundRatios,
  spreadOf,
  spreadPct,
  spreadRange as range,
  type Measurement,
  type Spread,
} from './report.js';

/** What a DPoP request costs beyond a Bearer one, round by round (µs of app CPU). */
function addedCpu(dpop: Measurement, bearer: Measurement): Spread {
  const a = cpuPerRequest(dpop);
  const b = cpuPerRequest(bearer);
  const n = Math.min(a.length, b.length);
  return spreadOf(Array.from({ length: n }, (_, i) => a[i] - b[i]));
}

/** The section, when both scenarios ran. */
export function dpopSection(all: Measurement[]): string[] {
  const find = (id: string) => all.find((m) => m.scenario.id === id);
  const dpop = find('items:dpop');
  const bearer = find('items:cache-on');
  if (!dpop || !bearer) return [];
  const cpu = (m: Measurement) => range(spreadOf(cpuPerRequest(m)));
  return [
    '## DPoP (issue 23)',
    '',
    "`GET /items` on Express with alice's token in the verified-token cache, Bearer (cache-on) and DPoP-bound with a fresh ES256 proof on every request (dpop), measured in the same rounds. The proofs are signed by the bench before each run (outside the measured time), each with its own `jti`, so the API checks every one in full: its signature, `typ`, `alg`, `jwk`, `htm`, `htu`, `iat`, `ath`, the token's `cnf.jkt`, and that its `jti` was not seen before (remembered in process; the replicas' Redis would add one `SET NX` round trip).",
    '',
    '| | Bearer (cache-on) | DPoP (dpop) |',
    '| --- | --: | --: |',
    `| req/s (median of rounds, min–max) | ${range(reqPerSec(bearer))} | ${range(reqPerSec(dpop))} |`,
    `| app CPU µs per request (median of rounds, min–max) | ${cpu(bearer)} | ${cpu(dpop)} |`,
    '',
    `- DPoP keeps ${spreadPct(roundRatios(dpop, bearer))} of the Bearer cache hit's req/s (per round: median, min–max).`,
    `- A proof's check adds ${range(addedCpu(dpop, bearer))} µs of app CPU per request (per round: DPoP's CPU per request less Bearer's), most of it the ES256 signature's verification in WebCrypto.`,
    '',
  ];
}
