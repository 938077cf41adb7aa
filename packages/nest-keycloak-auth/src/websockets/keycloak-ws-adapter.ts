import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { EMPTY, type Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { BEARER_PROTOCOL } from '../sockets/handshake-token.js';
import { bindSocketRequest } from '../sockets/socket-request.js';
import { TokenWatch, type TokenEnd } from '../sockets/token-watch.js';
import { WsHandshake, type HandshakeOutcome } from '../sockets/ws-handshake.js';
import { MessageRate } from './message-rate.js';
import { closeGracefully, SOCKET_CLOSE } from './socket-close.js';

type Accepted = Extract<HandshakeOutcome, { accepted: true }>;
type VerifyDone = (ok: boolean, status?: number, body?: string, headers?: object) => void;
type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The close reason of each way a token ends (code 4401). */
const TOKEN_ENDED: Record<TokenEnd, string> = {
  expired: 'Token expired',
  revoked: 'Token revoked',
  inactive: 'Token no longer active',
};

/** Handshake headers never copied onto the socket's request: they carry credentials. */
const CREDENTIAL_HEADERS = ['authorization', 'sec-websocket-protocol', 'cookie'];

/**
 * Nest's `ws` adapter with Keycloak authentication. Each handshake is authenticated before the
 * upgrade (`verifyClient`, on Express and Fastify alike: both serve Node's `upgrade` event), and
 * a refused one gets the HTTP answer REST would give (401 with `WWW-Authenticate`, 429 with
 * `Retry-After`). The principal stays on the socket for the guards (`authRequestOf`), the token
 * is watched (close 4401 at expiry, revocation or inactivity), and the limits apply: message
 * size (close 1009), messages per second (an `error` event), sockets per principal (429).
 * @example
 * app.useWebSocketAdapter(new KeycloakWsAdapter(app));
 * // GraphQL's graphql-ws on the same server keeps its own path:
 * app.useWebSocketAdapter(new KeycloakWsAdapter(app, { otherPaths: ['/graphql'] }));
 */
export class KeycloakWsAdapter extends WsAdapter {
  private readonly accepted = new WeakMap<IncomingMessage, Accepted>();
  private readonly servers = new Set<WebSocketServer>();
  private readonly upgradeListeners: [Server, UpgradeListener][] = [];
  private readonly otherPaths: ReadonlySet<string>;
  private rate?: MessageRate;
  private closing = false;

  /**
   * @param options.otherPaths paths whose upgrades another WebSocket server of the same HTTP
   * server answers (GraphQL subscriptions): left alone, where any other unserved path is refused.
   */
  constructor(
    private readonly app: INestApplicationContext,
    options: { otherPaths?: readonly string[] } = {},
  ) {
    super(app);
    this.otherPaths = new Set(options.otherPaths);
  }

  /** The gateway's server, with the handshake check, the `bearer` subprotocol and the size cap. */
  override create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    const settings = this.app.get(AuthSettings);
    this.rate = new MessageRate(settings.wsMessagesPerSecond, this.app.get(AuditTrail));
    const server = super.create(port, {
      ...options,
      maxPayload: settings.wsMaxMessageBytes,
      verifyClient: (info: { req: IncomingMessage }, done: VerifyDone) =>
        void this.verify(info.req, done),
      // Only ever `bearer`: the value after it is the token, never to be echoed.
      handleProtocols: (offered: Set<string>) =>
        offered.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false,
    }) as WebSocketServer;
    this.servers.add(server);
    return server;
  }

  /** Lets a socket through to the gateway only once its handshake's principal is bound to it. */
  override bindClientConnect(
    server: WebSocketServer,
    callback: (...args: unknown[]) => void,
  ): void {
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      if (this.admit(socket, request)) callback(socket, request);
    });
  }

  /** Drops what a socket sends past its rate; the rest goes to the gateway's handlers. */
  override bindMessageHandler(
    message: { data: unknown; target: WebSocket },
    handlers: Map<string, MessageMappingProperties>,
    transform: (data: unknown) => Observable<unknown>,
  ): Observable<unknown> {
    if (this.rate?.exceeded(message.target)) return EMPTY;
    return super.bindMessageHandler(message, handlers, transform);
  }

  /** A client's protocol error (oversized message, bad frame) is a WARN line, never its text. */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error: Error & { code?: string }) =>
        this.logger.warn({ event: 'ws_client_error', code: error.code ?? error.name }),
      ),
    );
    server.on('error', (error: Error) =>
      this.logger.error({ event: 'ws_server_error', errorName: error.name }),
    );
    return server;
  }

  /**
   * Closes every open socket with 1001 (going away) and refuses new handshakes (503): the app's
   * graceful shutdown calls it before it drains HTTP, since an open socket would hold the server.
   */
  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.servers].map((server) => closeGracefully(server.clients)));
  }

  /**
   * Routes the HTTP server's upgrades to the gateways by path, as Nest's adapter does, except
   * that `otherPaths` are left to their own server, and a request whose URL cannot be read gets
   * a plain 400 (Nest's would carry the parser's text).
   */
  protected override ensureHttpServerExists(
    port: number,
    httpServer: Server = createServer(),
  ): Server | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const listener: UpgradeListener = (request, socket, head) =>
      this.route(port, request, socket, head);
    httpServer.on('upgrade', listener);
    this.upgradeListeners.push([httpServer, listener]);
    return httpServer;
  }

  override async dispose(): Promise<void> {
    for (const [server, listener] of this.upgradeListeners.splice(0)) {
      server.off('upgrade', listener);
    }
    await super.dispose();
  }

  /** Nest's `app.close()`: the sockets get 1001 rather than a cut connection. */
  override async close(server: WebSocketServer): Promise<void> {
    this.closing = true;
    await closeGracefully(server.clients);
    await super.close(server);
  }

  private route(port: number, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = pathOf(request.url);
    if (path === undefined) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const servers = (this.wsServersRegistry.get(port) ?? []) as (WebSocketServer & {
      path: string;
    })[];
    const server = servers.find((candidate) => candidate.path === path);
    if (server !== undefined) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    } else if (!this.otherPaths.has(path)) {
      socket.destroy();
    }
  }

  private async verify(request: IncomingMessage, done: VerifyDone): Promise<void> {
    if (this.closing) return done(false, 503);
    let outcome: HandshakeOutcome;
    try {
      outcome = await this.app.get(WsHandshake).authenticate(request);
    } catch {
      // authenticate never rejects; whatever else happens fails closed.
      return done(false, 500);
    }
    if (!outcome.accepted) {
      const { status, body, headers } = outcome.refusal;
      return done(false, status, body, headers);
    }
    this.accepted.set(request, outcome);
    done(true);
  }

  /** Binds the handshake's principal to the socket and watches its token; false: closed. */
  private admit(socket: WebSocket, request: IncomingMessage): boolean {
    const outcome = this.accepted.get(request);
    this.accepted.delete(request);
    if (outcome === undefined) {
      socket.close(SOCKET_CLOSE.policy, 'Not authenticated');
      return false;
    }
    const { principal, token } = outcome;
    // Counted here too: two handshakes at once may both have found room.
    const release = this.app.get(WsHandshake).sockets.open(principal);
    if (release === undefined) {
      socket.close(SOCKET_CLOSE.policy, 'Too many open WebSockets');
      return false;
    }
    const watched = this.app
      .get(TokenWatch)
      .watch(principal, token, (why) => socket.close(SOCKET_CLOSE.tokenEnded, TOKEN_ENDED[why]));
    socket.once('close', () => {
      watched.stop();
      release();
    });
    bindSocketRequest(socket, {
      user: principal,
      accessToken: token,
      headers: { ...withoutCredentials(request.headers), authorization: `Bearer ${token}` },
      url: (request.url ?? '/').split('?', 1)[0],
      method: 'WS',
      ip: request.socket.remoteAddress,
      tokenWatch: watched,
    });
    return true;
  }
}

/** The path of an upgrade's request target, without its query; undefined when unreadable. */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'ws://localhost').pathname;
  } catch {
    return undefined;
  }
}

function withoutCredentials(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const copy = { ...headers };
  for (const name of CREDENTIAL_HEADERS) delete copy[name];
  return copy;
}
