import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AUTH_CHANNELS,
  RedisConnection,
  type RedisFallbackMessage,
  type SharedUse,
} from 'nest-keycloak-auth';
import { Counter, Gauge, Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { metricsEnabled } from './metrics.registry.js';

const USES: SharedUse[] = [
  'failure_limit',
  'introspection',
  'authorization',
  'revocation',
  'logout_jti',
  'dpop_jti',
];

/**
 * With `REDIS_URL` set: `redis_up` (1 while the Redis the replicas share answers, read at each
 * scrape) and `redis_fallbacks_total{use}`, the shared uses served in process because Redis
 * failed, fed by the library's `redisFallback` channel. Without it, neither series exists.
 */
@Injectable()
export class RedisMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly fallbacks?: Counter<'use'>;
  private readonly listener = (message: unknown) => {
    this.fallbacks?.labels((message as RedisFallbackMessage).use).inc();
  };

  constructor(
    @Inject(Registry) registry: Registry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Inject(RedisConnection) redis: RedisConnection,
  ) {
    if (!redis.configured) return;
    new Gauge({
      name: 'redis_up',
      help: 'Whether the Redis shared by the replicas answers (1) or not (0).',
      registers: [registry],
      collect() {
        this.set(redis.up ? 1 : 0);
      },
    });
    this.fallbacks = new Counter({
      name: 'redis_fallbacks_total',
      help: 'Shared uses served by this process alone because Redis failed, by use.',
      labelNames: ['use'],
      registers: [registry],
    });
    // Present (at 0) from the start, so rate() has a series before the first fallback.
    for (const use of USES) this.fallbacks.labels(use).inc(0);
  }

  onModuleInit(): void {
    if (this.fallbacks && metricsEnabled(this.config)) {
      subscribe(AUTH_CHANNELS.redisFallback, this.listener);
    }
  }

  onModuleDestroy(): void {
    unsubscribe(AUTH_CHANNELS.redisFallback, this.listener);
  }
}
