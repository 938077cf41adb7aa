import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port that was free a moment ago, for a child process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * What src/main.ts logs once the socket is bound. Not Nest's "successfully started": that line
 * comes from init(), before listen(), and a request sent on it can be refused.
 */
export const LISTENING_LINE = 'API listening on port';

/**
 * Resolves when the child prints `line` on stdout or stderr; rejects with the tail of its
 * output if it exits first or has not printed it within `timeoutMs` (the caller stops it).
 * Its listeners come off either way, so a long-lived child's output is not kept.
 */
export function waitForLine(
  child: ChildProcess,
  line: string,
  timeoutMs: number,
  name = 'app',
): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4096);
      if (output.includes(line)) finish();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(`${name} exited (${code ?? signal}) before it printed "${line}"`);
    const timer = setTimeout(
      () => finish(`${name} did not print "${line}" within ${timeoutMs} ms`),
      timeoutMs,
    );
    function finish(failure?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (failure === undefined) resolve();
      else reject(new Error(`${failure}:\n${output}`));
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Resolves when the built app logs that it listens (see waitForLine). */
export function started(child: ChildProcess, timeoutMs = 25_000): Promise<void> {
  return waitForLine(child, LISTENING_LINE, timeoutMs);
}
