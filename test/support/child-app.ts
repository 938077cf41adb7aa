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
 * Resolves when the built app logs that it listens; rejects with its output if it exits first
 * or has not listened within `timeoutMs` (the caller stops the child).
 */
export function started(child: ChildProcess, timeoutMs = 25_000): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app did not listen within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(LISTENING_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code ?? signal}:\n${output}`));
    });
  });
}
