import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { createClient } from '@redis/client';
import { AuthSettings } from '../auth-settings.js';
import { publishRedisFallback, type SharedUse } from '../telemetry/auth-channels.js';

/** The commands the shared stores send. */
export type RedisCommands = ReturnType<typeof createClient>;

/** A command's answer; undefined means Redis failed and the caller serves it in process. */
export type Shared<T> = { readonly value: T } | undefined;

/** Longest wait for Redis at start-up before serving without it. */
const STARTUP_WAIT_MS = 2000;
/** Reconnection backoff: 50 ms doubling up to 2 s, forever. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * The connection to the Redis the replicas share (`redisUrl`), or nothing when it is unset.
 * Commands never queue while Redis is away and never wait past `redisTimeoutMs`: each shared use
 * asks through {@link attempt} and serves the request in process when it gets undefined. A
 * second connection carries pub/sub. Whenever both are ready (at start and after every
 * reconnect) the `onReady` listeners run, so shared stores can merge what they hold.
 * Logs once at WARN per use when Redis fails it, and once at INFO when Redis is back; never the
 * URL (it may carry credentials) nor Redis' own error text.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  /** Whether `redisUrl` is set. */
  readonly configured: boolean;
  private readonly logger = new Logger('Redis');
  private readonly prefix: string;
  private readonly commands?: RedisCommands;
  private readonly subscriber?: RedisCommands;
  private readonly channels = new Map<string, (message: string) => void>();
  private readonly readyListeners: (() => Promise<void>)[] = [];
  private readonly fellBack = new Set<SharedUse>();
  private downLogged = false;
  private subscribed = false;
  private started?: () => void;

  constructor(@Inject(AuthSettings) private readonly settings: AuthSettings) {
    this.configured = settings.redisUrl !== '';
    // One API's keys; several APIs (or environments) may share a Redis.
    this.prefix = `nest-keycloak-auth:${settings.clientId}:`;
    if (!this.configured) return;
    this.commands = createClient({
      url: settings.redisUrl,
      // Fail at once while disconnected: the caller falls back instead of waiting.
      disableOfflineQueue: true,
      commandOptions: { timeout: settings.redisTimeoutMs },
      socket: {
        connectTimeout: Math.max(settings.redisTimeoutMs, 1000),
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
      },
    });
    this.subscriber = this.commands.duplicate();
    for (const client of [this.commands, this.subscriber]) {
      // Without a listener an 'error' event would end the process.
      client.on('error', (error: unknown) => this.lost(error));
      client.on('ready', () => void this.ready());
    }
  }

  /** Whether Redis answers now (false when not configured). */
  get up(): boolean {
    return this.commands?.isReady === true && this.subscriber?.isReady === true;
  }

  /** A key in this API's namespace. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /**
   * Runs `command` when Redis is up; undefined when it is not configured, down, slow or failed
   * (then counted as a fallback for `use`, and logged once per outage).
   */
  async attempt<T>(
    use: SharedUse,
    command: (redis: RedisCommands) => Promise<T>,
  ): Promise<Shared<T>> {
    const commands = this.commands;
    if (commands === undefined) return undefined;
    if (commands.isReady) {
      try {
        return { value: await command(commands) };
      } catch (error) {
        this.fallBack(use, error);
        return undefined;
      }
    }
    this.fallBack(use, undefined);
    return undefined;
  }

  /** Calls `listener` with each message published on `channel` (subscribed once connected). */
  subscribe(channel: string, listener: (message: string) => void): void {
    this.channels.set(this.prefix + channel, listener);
  }

  /** Publishes `message` on `channel`, to every replica including this one. */
  publish(use: SharedUse, channel: string, message: string): Promise<Shared<number>> {
    return this.attempt(use, (redis) => redis.publish(this.prefix + channel, message));
  }

  /** Runs `listener` whenever Redis is ready again (subscriptions included), at start too. */
  onReady(listener: () => Promise<void>): void {
    this.readyListeners.push(listener);
  }

  /** Connects, waiting up to 2 s for Redis (then serving without it: it connects later). */
  async onModuleInit(): Promise<void> {
    if (this.commands === undefined || this.subscriber === undefined) return;
    const started = new Promise<void>((resolve) => (this.started = resolve));
    for (const client of [this.commands, this.subscriber]) {
      // Retries on its own; a failure here is reported through 'error'.
      client.connect().catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STARTUP_WAIT_MS)));
    await Promise.race([started, timeout]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const client of [this.subscriber, this.commands]) {
      if (client?.isOpen) await client.close().catch(() => client.destroy());
    }
  }

  /** Either connection is ready: once both are (subscriptions made), the listeners run. */
  private async ready(): Promise<void> {
    const subscriber = this.subscriber as RedisCommands;
    try {
      if (!this.subscribed && subscriber.isReady) {
        // node-redis renews these itself before every later 'ready'.
        for (const [channel, listener] of this.channels) {
          await subscriber.subscribe(channel, listener);
        }
        this.subscribed = true;
      }
      if (!this.up || !this.subscribed) return;
      await Promise.all(this.readyListeners.map((listener) => listener()));
    } catch (error) {
      this.lost(error);
      // Up but too slow for a merge: try again, as a reconnect would.
      setTimeout(() => void this.ready(), 1000).unref();
      return;
    }
    this.started?.();
    if (this.downLogged || this.fellBack.size > 0) {
      this.logger.log({
        event: 'redis_restored',
        message: 'Redis is back: shared state is used again',
      });
    }
    this.downLogged = false;
    this.fellBack.clear();
  }

  /** A connection failed (it reconnects on its own): logged once until Redis is back. */
  private lost(error: unknown): void {
    if (this.downLogged) return;
    this.downLogged = true;
    // A first attempt that failed ends the start-up wait: the API serves without Redis.
    this.started?.();
    this.logger.warn({
      event: 'redis_down',
      error: errorName(error),
      message: 'Redis unreachable: shared state falls back to this process until it returns',
    });
  }

  private fallBack(use: SharedUse, error: unknown): void {
    publishRedisFallback(use);
    if (this.fellBack.has(use)) return;
    this.fellBack.add(use);
    this.logger.warn({
      event: 'redis_fallback',
      use,
      error: errorName(error),
      message: `Redis failed: ${use} is served by this process alone until Redis returns`,
    });
  }
}

/**
 * An error's code (`ECONNREFUSED`; a Redis reply's first word: `NOPERM`, `WRONGPASS`) or name,
 * never its message (it may quote a host or a key).
 */
function errorName(error: unknown): string {
  if (error === undefined) return 'not connected';
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  const reply = typeof message === 'string' ? /^([A-Z]{3,})\b/.exec(message) : null;
  if (reply) return reply[1];
  return typeof name === 'string' ? name : 'unknown error';
}
