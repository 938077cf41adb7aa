import {
  Injectable,
  Logger,
  type INestApplication,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { ShutdownSettings } from '../config/app.config.js';
import { announceClosing, closeHttpServer } from './http-drain.js';

/** Long-lived connections the shutdown closes (the WebSocket adapter), or they hold the server. */
export interface LiveConnections {
  /** Closes every open socket (1001) and refuses new ones; resolves once they are closed. */
  closeAll(): Promise<void>;
}

/** The signals that start a graceful shutdown: orchestrators send SIGTERM, a terminal SIGINT. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Graceful shutdown, the same on Express and Fastify: on SIGTERM or SIGINT readiness answers
 * 503 at once; after `drainMs` the server stops accepting connections, open WebSockets are
 * closed (1001) and in-flight requests get `timeoutMs` to finish; then `app.close()` runs Nest's
 * shutdown hooks (database pools, other servers) and the process ends by the signal it got, as
 * Nest's own shutdown hooks do.
 */
@Injectable()
export class ShutdownService implements OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly listeners = new Map<NodeJS.Signals, () => void>();
  private started = false;

  /** Whether a shutdown has begun: /health/ready answers 503 from then on. */
  get draining(): boolean {
    return this.started;
  }

  /** Makes SIGTERM and SIGINT shut `app` down gracefully; listening ends when the app closes. */
  listen(app: INestApplication, settings: ShutdownSettings, live?: LiveConnections): void {
    for (const signal of SHUTDOWN_SIGNALS) {
      const listener = (): void => void this.shutDown(app, settings, signal, live);
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  onApplicationShutdown(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }

  /** The whole sequence; a second signal meanwhile is ignored, as Nest ignores it. */
  private async shutDown(
    app: INestApplication,
    settings: ShutdownSettings,
    signal: NodeJS.Signals,
    live: LiveConnections | undefined,
  ): Promise<void> {
    if (this.started) return;
    this.started = true;
    const server = app.getHttpServer() as Server;
    try {
      this.logger.log(`Shutting down on ${signal}: draining for ${settings.drainMs} ms`);
      announceClosing(server);
      await delay(settings.drainMs);
      // closeHttpServer stops listening before its first await: logged once that is true, so
      // whoever reads the line (a test, an operator) never races the listening socket.
      const closing = closeHttpServer(server, settings.timeoutMs);
      this.logger.log('Stopped accepting connections; waiting for requests in flight');
      // An open WebSocket would keep the server from closing: each gets 1001 now.
      await live?.closeAll();
      const { cut } = await closing;
      if (cut) {
        this.logger.warn(`Cut requests still running after ${settings.timeoutMs} ms`);
      }
      await app.close();
      this.logger.log('Shutdown complete');
    } catch (error) {
      this.logger.error(`Shutdown failed: ${String(error)}`);
      process.exit(1);
    }
    this.exit(signal);
  }

  /** Ends the process by `signal`: the listeners are gone, so its default action applies. */
  protected exit(signal: NodeJS.Signals): void {
    this.onApplicationShutdown();
    process.kill(process.pid, signal);
  }
}
