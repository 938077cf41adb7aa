import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/app.config.js';
import { HttpMetrics } from '../metrics/http-metrics.js';
import { metricsEnabled } from '../metrics/metrics.registry.js';
import { corsOptions } from './cors.options.js';
import type { HttpEdge } from './edge-parts.js';
import { useExpressEdge } from './express-edge.js';
import { useFastifyEdge } from './fastify-edge.js';
import { graphqlConfig, type GraphqlConfig } from '../graphql/graphql.config.js';
import {
  apiSecurityHeaders,
  docsSecurityHeaders,
  graphiqlSecurityHeaders,
} from './security-headers.js';

/**
 * Everything the API does to a request before routing, in this order: its id and log context
 * (echoed in X-Request-Id, even on a preflight), its timing, CORS (`app.enableCors()`), the
 * security headers (Swagger UI's and GraphiQL's pages their own), the `/docs` redirect, and a 415 for a body that is not JSON. Call before `app.init()`, so unmatched requests
 * pass through it too. Express: `app.use()` middleware (src/http/express-edge.ts); Fastify:
 * request hooks (src/http/fastify-edge.ts).
 */
export function configureHttpEdge(app: INestApplication, config: AppConfig): void {
  const edge: HttpEdge = {
    cors: corsOptions(config.corsOrigins),
    apiHeaders: apiSecurityHeaders(config),
    docsHeaders: docsSecurityHeaders(app, config),
    graphiqlHeaders: app.get<GraphqlConfig>(graphqlConfig.KEY, { strict: false }).devTools
      ? graphiqlSecurityHeaders(config)
      : undefined,
    metrics: metricsEnabled(config) ? app.get(HttpMetrics) : undefined,
  };
  if (app.getHttpAdapter().getType() === 'fastify') useFastifyEdge(app, edge);
  else useExpressEdge(app, edge);
}
