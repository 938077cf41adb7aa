import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';

/**
 * Gauges prom-client's default metrics name with `_total`, a counter's suffix (promtool refuses
 * them). Each is the sum over the `type` label of its twin without the suffix
 * (`sum(nodejs_active_handles)`), so nothing is lost by leaving them out.
 */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The app's own registry, never prom-client's global one: several apps in one process (the e2e
 * tests) keep their series apart. With metrics on, it holds Node's process metrics (CPU,
 * memory, event-loop lag, GC, handles); with METRICS_PORT=0 it stays empty and costs nothing.
 */
export function createMetricsRegistry(config: Pick<AppConfig, 'metricsPort'>): Registry {
  const registry = new Registry();
  if (!metricsEnabled(config)) return registry;
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  return registry;
}

/** `METRICS_PORT` is not 0. */
export function metricsEnabled(config: Pick<AppConfig, 'metricsPort'>): boolean {
  return config.metricsPort !== 0;
}
