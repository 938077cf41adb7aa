import { channel } from 'node:diagnostics_channel';
import { AUTH_CHANNELS, type BackchannelLogoutMessage } from 'nest-keycloak-auth';
import { Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';
import { BackchannelLogoutMetrics } from './backchannel-logout-metrics.js';

const logouts = channel(AUTH_CHANNELS.backchannelLogout);
const publish = (message: BackchannelLogoutMessage) => logouts.publish(message);

/** The exposed samples of `backchannel_logouts_total`, by their labels as written. */
async function samples(registry: Registry): Promise<Record<string, number>> {
  const text = await registry.metrics();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith('backchannel_logouts_total{'))
      .map((line) => [line.slice(26, line.indexOf('}')), Number(line.split(' ')[1])]),
  );
}

describe('BackchannelLogoutMetrics', () => {
  it('counts logout tokens by outcome and reason; applied/ok exists at 0 beforehand', async () => {
    const registry = new Registry();
    const metrics = new BackchannelLogoutMetrics(registry, { metricsPort: 9464 } as AppConfig);
    expect(await samples(registry)).toEqual({ 'outcome="applied",reason="ok"': 0 });
    metrics.onModuleInit();
    publish({ outcome: 'applied', reason: 'ok' });
    publish({ outcome: 'refused', reason: 'ERR_LOGOUT_REPLAYED' });
    publish({ outcome: 'refused', reason: 'ERR_LOGOUT_REPLAYED' });
    metrics.onModuleDestroy();
    publish({ outcome: 'applied', reason: 'ok' }); // after destroy: counted nowhere
    expect(await samples(registry)).toEqual({
      'outcome="applied",reason="ok"': 1,
      'outcome="refused",reason="ERR_LOGOUT_REPLAYED"': 2,
    });
    expect(logouts.hasSubscribers).toBe(false);
  });

  it('subscribes to nothing with METRICS_PORT=0, so the library publishes nothing', () => {
    const off = new BackchannelLogoutMetrics(new Registry(), { metricsPort: 0 } as AppConfig);
    off.onModuleInit();
    expect(logouts.hasSubscribers).toBe(false);
  });
});
