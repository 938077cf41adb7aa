import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** An HTTP server on 127.0.0.1 that can be stopped hard (sockets destroyed) and re-listened. */
export class LoopbackServer {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort = 0;

  constructor(private readonly listener: RequestListener) {}

  /** The bound port (kept after stop, so restart reuses it). */
  get port(): number {
    return this.boundPort;
  }

  /** Listens on the port (0: ephemeral). */
  async listen(port: number): Promise<void> {
    const server = createServer(this.listener);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Closes the server and destroys every socket, idle keep-alive ones included. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    // Give in-process clients (fetch, axios) an event-loop turn to notice their pooled sockets
    // closed, so their next request gets ECONNREFUSED instead of "other side closed".
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
}
