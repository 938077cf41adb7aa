import { channel } from 'node:diagnostics_channel';
import { AUTH_CHANNELS, type AuthDecisionMessage } from 'nest-keycloak-auth';
import { Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';
import { AuthMetrics } from './auth-metrics.js';

const on = { metricsPort: 9464 } as AppConfig;

/** The value of one series in the registry's current exposition, or undefined if absent. */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const wanted = Object.entries(labels);
  const found = (metric?.values ?? []).find(
    (v) =>
      (v as { metricName?: string }).metricName === undefined &&
      wanted.every(([key, expected]) => String(v.labels[key]) === expected) &&
      Object.keys(v.labels).length === wanted.length,
  );
  return found?.value;
}

describe('AuthMetrics', () => {
  let registry: Registry;
  let metrics: AuthMetrics;

  beforeEach(() => {
    registry = new Registry();
    metrics = new AuthMetrics(registry, on);
    metrics.onModuleInit();
  });

  afterEach(() => metrics.onModuleDestroy());

  it('counts decisions by stage, outcome and reason; accepted series exist at 0 beforehand', async () => {
    const labels = { stage: 'authentication', outcome: 'accepted', reason: 'ok' };
    expect(await value(registry, 'auth_decisions_total', labels)).toBe(0);
    const frozen = Object.freeze({ ...labels, status: 200 }) as AuthDecisionMessage;
    channel(AUTH_CHANNELS.decision).publish(frozen);
    channel(AUTH_CHANNELS.decision).publish(frozen);
    for (let i = 0; i < 3; i++) {
      channel(AUTH_CHANNELS.decision).publish({
        stage: 'authentication',
        outcome: 'refused',
        reason: 'ERR_AUTH_TOKEN_EXPIRED',
        status: 401,
      });
    }
    expect(await value(registry, 'auth_decisions_total', labels)).toBe(2);
    expect(
      await value(registry, 'auth_decisions_total', {
        stage: 'authentication',
        outcome: 'refused',
        reason: 'ERR_AUTH_TOKEN_EXPIRED',
      }),
    ).toBe(3);
    expect(
      await value(registry, 'auth_decisions_total', {
        stage: 'authorization',
        outcome: 'accepted',
        reason: 'ok',
      }),
    ).toBe(0);
  });

  it('counts and times Keycloak calls by endpoint and outcome', async () => {
    const publish = channel(AUTH_CHANNELS.keycloakRequest);
    publish.publish({ endpoint: 'jwks', outcome: 'success', durationSeconds: 0.02 });
    publish.publish({ endpoint: 'jwks', outcome: 'error', durationSeconds: 3 });
    expect(
      await value(registry, 'keycloak_requests_total', { endpoint: 'jwks', outcome: 'success' }),
    ).toBe(1);
    expect(
      await value(registry, 'keycloak_requests_total', { endpoint: 'jwks', outcome: 'error' }),
    ).toBe(1);
    expect(
      await value(registry, 'keycloak_requests_total', {
        endpoint: 'introspection',
        outcome: 'refused',
      }),
    ).toBe(0);
    const text = await registry.getSingleMetricAsString('keycloak_request_duration_seconds');
    expect(text).toContain('keycloak_request_duration_seconds_count{endpoint="jwks"} 2');
    expect(text).toContain('keycloak_request_duration_seconds_sum{endpoint="jwks"} 3.02');
    expect(text).toContain(
      'keycloak_request_duration_seconds_bucket{le="0.025",endpoint="jwks"} 1',
    );
  });

  it('counts cache lookups per cache and result, both results at 0 beforehand', async () => {
    expect(await value(registry, 'introspection_cache_requests_total', { result: 'hit' })).toBe(0);
    const publish = channel(AUTH_CHANNELS.cacheLookup);
    publish.publish(Object.freeze({ cache: 'verified_token', result: 'hit' }));
    publish.publish(Object.freeze({ cache: 'verified_token', result: 'hit' }));
    publish.publish(Object.freeze({ cache: 'verified_token', result: 'miss' }));
    publish.publish(Object.freeze({ cache: 'introspection', result: 'miss' }));
    publish.publish(Object.freeze({ cache: 'authorization', result: 'hit' }));
    publish.publish({ cache: 'some-future-cache', result: 'hit' }); // ignored, not a crash
    expect(await value(registry, 'verified_token_cache_requests_total', { result: 'hit' })).toBe(2);
    expect(await value(registry, 'verified_token_cache_requests_total', { result: 'miss' })).toBe(
      1,
    );
    expect(await value(registry, 'introspection_cache_requests_total', { result: 'miss' })).toBe(1);
    expect(await value(registry, 'authorization_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(await value(registry, 'authorization_cache_requests_total', { result: 'miss' })).toBe(0);
  });

  it('holds the last key set: its size and when it was fetched', async () => {
    channel(AUTH_CHANNELS.jwksUpdate).publish({ keys: 2, fetchedAtSeconds: 1_700_000_000.5 });
    expect(await value(registry, 'jwks_keys')).toBe(2);
    expect(await value(registry, 'jwks_last_success_timestamp_seconds')).toBe(1_700_000_000.5);
  });

  it('unsubscribes when the module is destroyed: later messages count nowhere', async () => {
    metrics.onModuleDestroy();
    channel(AUTH_CHANNELS.jwksUpdate).publish({ keys: 5, fetchedAtSeconds: 1 });
    expect(await value(registry, 'jwks_keys')).toBe(0);
    expect(channel(AUTH_CHANNELS.jwksUpdate).hasSubscribers).toBe(false);
  });

  it('subscribes to nothing with METRICS_PORT=0, so the library publishes nothing', () => {
    metrics.onModuleDestroy();
    const off = new AuthMetrics(new Registry(), { metricsPort: 0 } as AppConfig);
    off.onModuleInit();
    for (const name of Object.values(AUTH_CHANNELS)) {
      expect(channel(name).hasSubscribers).toBe(false);
    }
  });
});
