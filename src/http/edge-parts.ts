import type { HttpMetrics } from '../metrics/http-metrics.js';
import type { corsOptions } from './cors.options.js';
import type {
  apiSecurityHeaders,
  docsSecurityHeaders,
  graphiqlSecurityHeaders,
} from './security-headers.js';

/** What runs before routing, built once from the settings; each platform file applies it. */
export interface HttpEdge {
  /** `app.enableCors()`'s options. */
  readonly cors: ReturnType<typeof corsOptions>;
  /** The headers of every API answer (not Swagger UI's). */
  readonly apiHeaders: ReturnType<typeof apiSecurityHeaders>;
  /** Helmet, for Swagger UI's pages and files. */
  readonly docsHeaders: ReturnType<typeof docsSecurityHeaders>;
  /** Helmet, for the GraphiQL page; undefined where GraphiQL is off (production). */
  readonly graphiqlHeaders: ReturnType<typeof graphiqlSecurityHeaders> | undefined;
  /** Where each request's duration goes; undefined with METRICS_PORT=0. */
  readonly metrics: HttpMetrics | undefined;
}
