import { Inject, Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/** The label of a request that matched no route: one series, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; finer than prom-client's default at the low end, where a cached-token request sits. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `http_server_request_duration_seconds{method,route,status_code}`, fed by the HTTP edge
 * (src/http/) for every request. The route is the matched template (`/items/:id`), never the
 * path, so the series stay bounded.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by route template.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** Records one answered request; `route` undefined means it matched none. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    this.duration.observe(
      { method, route: route ?? UNMATCHED_ROUTE, status_code: status },
      seconds,
    );
  }
}
