import type { WebSocket } from 'ws';

/** The close codes the adapter uses. */
export const SOCKET_CLOSE = {
  /** RFC 6455: the server is going away (shutdown). */
  goingAway: 1001,
  /** RFC 6455: a policy violation (no principal, too many sockets). */
  policy: 1008,
  /** The token expired, was revoked or is no longer active (HTTP's 401, in the 4000s range). */
  tokenEnded: 4401,
} as const;

/** How long closing peers get to answer the close frame before their connection is cut. */
export const CLOSE_GRACE_MS = 1000;

/**
 * Closes `sockets` with 1001 and waits until each is closed, at most {@link CLOSE_GRACE_MS}; the
 * ones whose peer has not answered by then are cut, so a shutdown never hangs on a silent client.
 */
export async function closeGracefully(sockets: Iterable<WebSocket>): Promise<void> {
  const open = [...sockets].filter((socket) => socket.readyState !== socket.CLOSED);
  if (open.length === 0) return;
  const closed = open.map(
    (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
  );
  for (const socket of open) socket.close(SOCKET_CLOSE.goingAway, 'Server shutting down');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
  await Promise.race([Promise.all(closed), grace]);
  clearTimeout(timer);
  for (const socket of open) if (socket.readyState !== socket.CLOSED) socket.terminate();
  await Promise.all(closed);
}
