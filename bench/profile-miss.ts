/**
 * The price of a token seen for the first time: app CPU per request of Express `GET /items` with
 * the verified-token cache off (every request verifies the signature: a miss) and on (a hit),
 * measured with wrk. Not part of `npm run bench`; for a quick A/B of the miss path:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   flock /tmp/heavy.lock scripts/node-lines.sh 24 node dist-bench/bench/profile-miss.js
 *
 * Starts the Keycloak stand-in here and the no-I/O API (bench/api-no-io.ts, start:prod's node
 * flags) twice, cache off (TOKEN_CACHE_MAX_ENTRIES=0) and on, pinned to CPU 1 while wrk runs on
 * CPU 0. With PROFILE_BASELINE=<another built checkout> it starts the same two from there too and
 * alternates all four in each round (every other round in reverse), so a change is priced
 * against its parent on the same machine minutes apart. CPU per request is the child's utime +
 * stime (/proc/<pid>/stat) over the run, divided by the requests wrk completed.
 *
 * Knobs: PROFILE_ROUNDS (4), PROFILE_DURATION (10 s per run), PROFILE_CONNECTIONS (50),
 * PROFILE_ADAPTER (express), PROFILE_CPU_PROF=1 (servers under --cpu-prof; profiles written to
 * dist-bench/profiles when they stop).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { AppProcess } from './app-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'dist-bench');
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 4);
const DURATION = Number(process.env.PROFILE_DURATION ?? 10);
const CONNECTIONS = Number(process.env.PROFILE_CONNECTIONS ?? 50);
const ADAPTER = process.env.PROFILE_ADAPTER ?? 'express';
const CPU_PROF = process.env.PROFILE_CPU_PROF === '1';
const BASELINE = process.env.PROFILE_BASELINE;
/** The node flags of `npm run start:prod` (heap caps), so the API runs as in production. */
const START_PROD = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { 'start:prod': string };
  }
).scripts['start:prod'];
const NODE_FLAGS = START_PROD.split(' ').filter((word) => word.startsWith('--'));

interface Run {
  name: string;
  app: AppProcess;
  cpuUsPerRequest: number[];
  reqPerSec: number[];
}

/** One wrk run against `url`: the requests it completed; throws on any non-2xx answer. */
function wrk(url: string, token: string, seconds: number): number {
  const args = ['-c', '0', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`];
  args.push('-H', `Authorization: Bearer ${token}`, url);
  const output = execFileSync('taskset', args, { encoding: 'utf8' });
  const failures = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(output);
  if (failures) throw new Error(`wrk ${url}: ${failures[0]}`);
  const completed = /(\d+) requests in/.exec(output);
  if (!completed) throw new Error(`wrk ${url}: no request count in its output:\n${output}`);
  return Number(completed[1]);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main(): Promise<void> {
  const standIn = await KeycloakStandIn.start();
  const token = await standIn.tokenFor('alice', { expiresIn: 3600 });
  const roots = [['', ROOT], ...(BASELINE ? [['base ', resolve(BASELINE)]] : [])];
  const env = {
    HTTP_ADAPTER: ADAPTER,
    KEYCLOAK_URL: standIn.url,
    KEYCLOAK_REALM: standIn.realm,
    KEYCLOAK_CLIENT_ID: standIn.clientId,
    KEYCLOAK_CLIENT_SECRET: standIn.clientSecret,
    DATABASE_URL: '',
    PGLITE_DATA_DIR: 'memory://',
  };
  if (CPU_PROF) await mkdir(join(OUT, 'profiles'), { recursive: true });
  await mkdir(join(OUT, 'logs'), { recursive: true });
  const runs: Run[] = [];
  try {
    for (const [prefix, cwd] of roots) {
      for (const cache of ['off', 'on']) {
        const name = `${prefix}cache-${cache}`;
        const app = await AppProcess.start({
          name,
          cwd,
          script: 'dist-bench/bench/api-no-io.js',
          cpu: 1,
          logFile: join(OUT, 'logs', `profile-${name.replace(' ', '-')}.log`),
          env: cache === 'off' ? { ...env, TOKEN_CACHE_MAX_ENTRIES: '0' } : env,
          nodeArgs: [
            ...NODE_FLAGS,
            ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT, 'profiles')}`] : []),
          ],
        });
        runs.push({ name, app, cpuUsPerRequest: [], reqPerSec: [] });
      }
    }
    for (const run of runs) wrk(`${run.app.url}/items`, token, 2); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...runs].reverse() : runs;
      for (const run of order) {
        const cpuBefore = await run.app.cpuMs();
        const requests = wrk(`${run.app.url}/items`, token, DURATION);
        const cpuMs = (await run.app.cpuMs()) - cpuBefore;
        run.cpuUsPerRequest.push((cpuMs * 1000) / requests);
        run.reqPerSec.push(requests / DURATION);
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    await Promise.all(runs.map((run) => run.app.stop()));
    await standIn.stop();
  }
  console.log(`Node ${process.version}, ${ADAPTER} GET /items, ${ROUNDS} x ${DURATION} s\n`);
  console.log('| instance | CPU us/request (median, min-max) | req/s (median, min-max) |');
  console.log('| --- | --- | --- |');
  for (const run of runs) {
    const span = (values: number[], digits: number): string =>
      `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;
    console.log(`| ${run.name} | ${span(run.cpuUsPerRequest, 0)} | ${span(run.reqPerSec, 0)} |`);
  }
}

await main();
