import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** How {@link wsClient} opens its socket. */
export interface WsClientOptions {
  /**
   * Send the token as a browser does, in `Sec-WebSocket-Protocol: bearer, <token>`, instead of
   * `Authorization: Bearer <token>`. @default false
   */
  viaProtocol?: boolean;
  /** Extra handshake headers (e.g. an organization header, or a second token to be refused). */
  headers?: Record<string, string>;
}

/** One event the server sent: `{ event, data }` (a frame that is not such JSON: `raw`). */
export interface WsEvent {
  event: string;
  data?: unknown;
}

/** How a socket closed. */
export interface WsClose {
  code: number;
  reason: string;
}

/** An open WebSocket of a test, with awaitable events and close. */
export interface WsTestClient {
  /** The subprotocol the server chose ('' for none). */
  readonly protocol: string;
  /** Resolves once the socket has closed, with the server's code and reason. */
  readonly closed: Promise<WsClose>;
  /** Sends `{ event, data }` as JSON. */
  send(event: string, data?: unknown): void;
  /** Sends a frame as it is (malformed JSON, binary), to test what the server survives. */
  sendRaw(data: string | Uint8Array): void;
  /** The next event, in order of arrival; rejects if the socket closes first. */
  next(): Promise<WsEvent>;
  /** The next event named `name`, skipping others; rejects if the socket closes first. */
  nextEvent(name: string): Promise<WsEvent>;
  /** Closes from the client side (1000) and waits for the close. */
  close(): Promise<WsClose>;
}

/** A handshake the server refused with an HTTP answer before the upgrade. */
export class WsRefusal extends Error {
  override readonly name = 'WsRefusal';

  constructor(
    readonly status: number,
    readonly headers: IncomingMessage['headers'],
    readonly body: string,
  ) {
    super(`WebSocket handshake refused with ${status}`);
  }
}

/**
 * Opens a WebSocket to `url` (e.g. `ws://127.0.0.1:3000/ws`) with `token`, resolving once it is
 * open; a refused handshake rejects with a {@link WsRefusal} carrying the status, headers and
 * body. Needs the `ws` package (loaded on first use).
 * @example
 * const client = await wsClient(`${url}/ws`, await keycloak.tokenFor('alice'));
 * client.send('subscribe', { topic: 'items' });
 * expect(await client.next()).toEqual({ event: 'subscribed', data: { topic: 'items' } });
 */
export async function wsClient(
  url: string,
  token: string | undefined,
  options: WsClientOptions = {},
): Promise<WsTestClient> {
  const { WebSocket } = await import('ws');
  const headers: Record<string, string> = { ...options.headers };
  let protocols: string[] | undefined;
  if (token !== undefined && options.viaProtocol) protocols = ['bearer', token];
  else if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const socket = new WebSocket(url, protocols, { headers });
  await opened(socket);
  return new Client(socket);
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        reject(new WsRefusal(response.statusCode ?? 0, response.headers, body));
        socket.terminate();
      });
    });
  });
}

class Client implements WsTestClient {
  readonly closed: Promise<WsClose>;
  private readonly events: WsEvent[] = [];
  private waiting?: { resolve: (event: WsEvent) => void; reject: (error: Error) => void };
  private ended?: WsClose;

  constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.ended = { code, reason: reason.toString('utf8') };
        this.waiting?.reject(new Error(`WebSocket closed (${code}) before the next event`));
        resolve(this.ended);
      });
    });
    // A protocol error (say, the server's 1009) comes with a close, which is what tests await.
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      const event = parse(data.toString('utf8'));
      if (this.waiting) this.waiting.resolve(event);
      else this.events.push(event);
      this.waiting = undefined;
    });
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  send(event: string, data?: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  sendRaw(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  next(): Promise<WsEvent> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) {
      return Promise.reject(new Error(`WebSocket closed (${this.ended.code})`));
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async nextEvent(name: string): Promise<WsEvent> {
    for (;;) {
      const event = await this.next();
      if (event.event === name) return event;
    }
  }

  close(): Promise<WsClose> {
    this.socket.close(1000);
    return this.closed;
  }
}

function parse(text: string): WsEvent {
  try {
    const value = JSON.parse(text) as WsEvent;
    if (typeof value?.event === 'string') return value;
  } catch {
    // Not JSON: handed over as it came.
  }
  return { event: 'raw', data: text };
}
