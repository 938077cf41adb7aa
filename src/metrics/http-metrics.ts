import { Inject, Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { registerCollected, type CollectedMetric, type Sample } from './plain-metrics.js';

/** The label of a request that matched no route: one series, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

const NAME = 'http_server_request_duration_seconds';
const HELP = 'Time from receiving a request to finishing its response, by route template.';

/** Seconds; finer than prom-client's default at the low end, where a cached-token request sits. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One series: its labels and counts, as plain numbers. */
interface Series {
  readonly labels: { method: string; route: string; status_code: string };
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * `http_server_request_duration_seconds{method,route,status_code}`. The route is the matched
 * template (`/items/:id`), never the path, so the series stay bounded. A histogram of our own,
 * registered with prom-client's registry, which formats it like any other: prom-client's
 * Histogram converts, validates and hashes the labels on every observation, even through a
 * cached child, and this is paid on every request. Here a request costs three map reads, a scan
 * of the bounds and three additions; the cumulative buckets are worked out at scrape time.
 */
@Injectable()
export class HttpMetrics {
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(@Inject(Registry) registry: Registry) {
    registerCollected(
      registry,
      NAME,
      () => this.collect(),
      () => this.series.clear(),
    );
  }

  /** Records one answered request; `route` undefined means it matched none. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const template = route ?? UNMATCHED_ROUTE;
    let byRoute = this.series.get(method);
    if (byRoute === undefined)
      this.series.set(method, (byRoute = new Map<string, Map<number, Series>>()));
    let byStatus = byRoute.get(template);
    if (byStatus === undefined) byRoute.set(template, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(status);
    if (series === undefined) {
      const labels = { method, route: template, status_code: String(status) };
      series = { labels, counts: new Array<number>(BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      byStatus.set(status, series);
    }
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** The histogram as prom-client's registry formats it: buckets (cumulative), sum, count. */
  private collect(): CollectedMetric {
    const values: Sample[] = [];
    for (const byRoute of this.series.values())
      for (const byStatus of byRoute.values())
        for (const { labels, counts, sum, count } of byStatus.values()) {
          let cumulative = 0;
          BUCKETS.forEach((bound, i) => {
            cumulative += counts[i];
            values.push({
              metricName: `${NAME}_bucket`,
              labels: { le: bound, ...labels },
              value: cumulative,
            });
          });
          values.push({
            metricName: `${NAME}_bucket`,
            labels: { le: '+Inf', ...labels },
            value: count,
          });
          values.push({ metricName: `${NAME}_sum`, labels, value: sum });
          values.push({ metricName: `${NAME}_count`, labels, value: count });
        }
    return { name: NAME, help: HELP, type: 'histogram', values };
  }
}
