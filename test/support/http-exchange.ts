import type { INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import {
  Agent,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** One request as a fuzz case describes it; the body is sent as these exact bytes. */
export interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back: status, headers and the body as text. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** No answer in this time is a hang, which fails the property that waited for it. */
const ANSWER_TIMEOUT_MS = 10_000;

/**
 * Sends requests to an app on a loopback port over one kept-alive connection (supertest opens
 * one per request, which would make 20,000 cases slow). The path and headers go as given: Node's
 * client refuses control characters in them, which {@link sendRaw} sends instead.
 */
export class HttpExchange {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(readonly port: number) {}

  /** Listens on an ephemeral loopback port (the app is initialised but not listening yet). */
  static async listen(app: INestApplication): Promise<HttpExchange> {
    const server = app.getHttpServer() as Server;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new HttpExchange((server.address() as AddressInfo).port);
  }

  /**
   * Sends one request and reads the whole answer; rejects after 10 s without one. A request that
   * met a kept-alive connection the server had just closed (Node's documented keep-alive race:
   * `reusedSocket`) is sent again once, on a new connection.
   */
  async send(exchange: Exchange): Promise<Answer> {
    try {
      return await this.sendOnce(exchange);
    } catch (error) {
      if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
      return this.sendOnce(exchange);
    }
  }

  private async sendOnce(exchange: Exchange): Promise<Answer> {
    const req = request({
      host: '127.0.0.1',
      port: this.port,
      agent: this.agent,
      method: exchange.method,
      path: exchange.path,
      headers: exchange.headers,
      timeout: ANSWER_TIMEOUT_MS,
    });
    req.on('timeout', () => req.destroy(new Error(`No answer in ${ANSWER_TIMEOUT_MS} ms`)));
    req.end(exchange.body);
    try {
      const [response] = (await once(req, 'response')) as [IncomingMessage];
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('latin1');
      return { status: response.statusCode ?? 0, headers: response.headers, body };
    } catch (error) {
      throw Object.assign(error as Error, { reusedSocket: req.reusedSocket });
    }
  }

  /**
   * Writes `head` (request line and header lines, CRLF-separated, without the blank line) as
   * raw bytes on a new connection, and returns what came back before the server closed it.
   */
  async sendRaw(head: string): Promise<string> {
    const socket = connect(this.port, '127.0.0.1');
    socket.setTimeout(ANSWER_TIMEOUT_MS, () =>
      socket.destroy(new Error(`No answer in ${ANSWER_TIMEOUT_MS} ms`)),
    );
    await once(socket, 'connect');
    socket.write(Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'));
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('latin1');
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }
}
