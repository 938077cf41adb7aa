import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Node publishes here when a response has been sent (Node ≥ 16.18). */
const RESPONSE_FINISHED = 'http.server.response.finish';

/**
 * From now on every response `server` starts carries `Connection: close`, so keep-alive
 * clients open their next connection elsewhere while the load balancer takes this instance out.
 * The same on Express and Fastify: both serve Node's `request` event.
 */
export function announceClosing(server: Server): void {
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('Connection', 'close');
  });
}

/** How {@link closeHttpServer} ended. */
export interface DrainResult {
  /** Whether requests were still running at the deadline and their connections were cut. */
  cut: boolean;
}

/**
 * Stops accepting connections, closes the idle keep-alive ones, lets in-flight requests finish
 * and closes each connection as its response is sent; after `timeoutMs` cuts what is left.
 * Node's `close()` closes idle connections only once: one whose response ends later would stay
 * open until its keep-alive timeout (72 s on Fastify), so it is closed when its response ends.
 */
export async function closeHttpServer(server: Server, timeoutMs: number): Promise<DrainResult> {
  if (!server.listening) return { cut: false };
  const closed = once(server, 'close');
  const closeIdle = (message: unknown): void => {
    // Published before Node detaches the socket from the response: close on the next turn.
    if ((message as { server?: unknown }).server === server) {
      setImmediate(() => server.closeIdleConnections());
    }
  };
  subscribe(RESPONSE_FINISHED, closeIdle);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<true>((resolve) => (timer = setTimeout(resolve, timeoutMs, true)));
  try {
    server.close();
    const cut = (await Promise.race([closed.then(() => false), deadline])) === true;
    if (cut) {
      server.closeAllConnections();
      await closed;
    }
    return { cut };
  } finally {
    clearTimeout(timer);
    unsubscribe(RESPONSE_FINISHED, closeIdle);
  }
}
