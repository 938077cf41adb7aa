import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AUTH_CHANNELS, type BackchannelLogoutMessage } from 'nest-keycloak-auth';
import { Counter, Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { metricsEnabled } from './metrics.registry.js';

/**
 * `backchannel_logouts_total{outcome, reason}`: the logout tokens Keycloak posted to
 * `POST /auth/backchannel-logout`, fed by the library's `backchannelLogout` channel. A logout
 * is rare next to a request, so prom-client's own label lookup is all it needs.
 */
@Injectable()
export class BackchannelLogoutMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logouts: Counter<'outcome' | 'reason'>;
  private readonly listener = (message: unknown) => {
    const { outcome, reason } = message as BackchannelLogoutMessage;
    this.logouts.labels(outcome, reason).inc();
  };

  constructor(
    @Inject(Registry) registry: Registry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.logouts = new Counter({
      name: 'backchannel_logouts_total',
      help: 'Back-channel logout tokens received, by outcome (applied or refused) and reason code.',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    });
    // Present (at 0) from the start, so rate() has a series before the first logout.
    this.logouts.labels('applied', 'ok').inc(0);
  }

  onModuleInit(): void {
    if (metricsEnabled(this.config)) subscribe(AUTH_CHANNELS.backchannelLogout, this.listener);
  }

  onModuleDestroy(): void {
    unsubscribe(AUTH_CHANNELS.backchannelLogout, this.listener);
  }
}
