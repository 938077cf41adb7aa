import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { wildcardHost } from '../http-adapter.js';
import { metricsEnabled } from './metrics.registry.js';

/** Thrown at start-up when METRICS_PORT is taken; its message is the one line main.ts prints. */
export class MetricsPortTakenError extends Error {
  override readonly name = 'MetricsPortTakenError';
  constructor(readonly port: number) {
    super(
      `Cannot listen: metrics port ${port} is already in use (set METRICS_PORT, or 0 to turn metrics off)`,
    );
  }
}

/**
 * Prometheus' scrape endpoint, `GET /metrics` on METRICS_PORT: a plain node:http server of its
 * own, on the API's interfaces but never its port, so no route, guard or proxy rule of the API
 * can expose it. Started when the app boots (before the API listens), closed at shutdown.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!metricsEnabled(this.config)) return;
    const { metricsPort: port } = this.config;
    const server = createServer(metricsHandler(this.registry));
    try {
      server.listen(port, await wildcardHost());
      await once(server, 'listening');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new MetricsPortTakenError(port);
      }
      throw error;
    }
    this.server = server;
    this.logger.log(`Prometheus metrics on port ${port} at /metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections(); // a scraper's keep-alive connection must not hold shutdown
    server.close();
    await once(server, 'close');
  }
}

/** Answers GET /metrics (query ignored) in Prometheus' text format; 404 and 405 otherwise. */
export function metricsHandler(registry: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    if (req.method !== 'GET') {
      res
        .writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Method Not Allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      () =>
        res
          .writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('Collecting the metrics failed\n'),
    );
  };
}
