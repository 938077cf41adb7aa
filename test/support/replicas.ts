import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { HttpAdapterName } from '../../src/config/app.config.js';
import { freePort, started } from './child-app.js';

/** One built API process (`node dist/main.js`), as a replica runs in production. */
export interface Replica {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly metricsUrl: string;
  /** Every line it wrote so far (JSON logs), stdout and stderr. */
  readonly lines: string[];
}

/**
 * Starts `count` replicas of the built app side by side (`npm test` builds first) with the same
 * environment and each its own port and METRICS_PORT; JSON logs are kept in `lines`.
 */
export async function startReplicas(
  count: number,
  adapter: HttpAdapterName,
  env: Record<string, string>,
): Promise<Replica[]> {
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(await startReplica(adapter, env));
    await Promise.all(replicas.map(({ child }) => started(child, 45_000)));
  } catch (error) {
    await stopReplicas(replicas);
    throw error;
  }
  return replicas;
}

async function startReplica(adapter: HttpAdapterName, env: Record<string, string>) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      PATH: process.env.PATH,
      PGLITE_DATA_DIR: 'memory://',
      SHUTDOWN_DRAIN_MS: '0',
      LOG_FORMAT: 'json',
      ...env,
      HTTP_ADAPTER: adapter,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    lines.push(...complete.filter(Boolean));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    lines,
  };
}

/** Stops each replica (SIGTERM) and resolves once every one has exited. */
export async function stopReplicas(replicas: readonly Replica[]): Promise<void> {
  await Promise.all(
    replicas.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
    }),
  );
}

/** The log records of a replica with `event`. */
export function eventsOf(replica: Replica, event: string): Record<string, unknown>[] {
  return replica.lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.event === event);
}

/**
 * Resolves with the ms it took until `condition` held, checking it again each time it did not;
 * rejects once `deadlineMs` have passed. For state that has no event to await from outside a
 * process (another replica learning a logout).
 */
export async function within(
  deadlineMs: number,
  condition: () => Promise<boolean>,
): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > deadlineMs) {
      throw new Error(`condition not met within ${deadlineMs} ms`);
    }
  }
  return Date.now() - start;
}
