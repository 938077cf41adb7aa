import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestStep } from '../common/request-step.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { HttpMetrics } from './http-metrics.js';
import { metricsEnabled } from './metrics.registry.js';

/** When the request arrived, on its response (Express); a symbol keeps it off Express' names. */
const STARTED = Symbol('metrics:started');

/** What Express adds to Node's objects that the timing reads. */
type ExpressRequest = IncomingMessage & { baseUrl?: string; route?: { path?: string } };
type TimedResponse = ServerResponse<ExpressRequest> & { [STARTED]?: number };

/**
 * Times every request of the API into `http_server_request_duration_seconds`, on either
 * platform; nothing is timed when METRICS_PORT=0. Call before the routes are registered
 * (configureApp, before init), so unmatched requests are timed too. Fastify: an onResponse hook
 * (its reply already knows the elapsed time), and no step. Express: the returned request step
 * (src/common/request-step.ts) notes the start and listens for the response's 'finish' with a
 * listener shared by all requests.
 */
export function useHttpMetrics(app: INestApplication): RequestStep | undefined {
  if (!metricsEnabled(app.get<AppConfig>(appConfig.KEY))) return undefined;
  const metrics = app.get(HttpMetrics);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    (adapter.getInstance() as FastifyInstance).addHook('onResponse', (request, reply, done) => {
      metrics.observe(
        request.method,
        request.routeOptions.url,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
    return undefined;
  }
  function finished(this: TimedResponse): void {
    const { req } = this;
    const path = req.route?.path;
    const route = path === undefined ? undefined : `${req.baseUrl ?? ''}${path}`;
    const seconds = (performance.now() - (this[STARTED] ?? 0)) / 1000;
    metrics.observe(req.method ?? 'UNKNOWN', route, this.statusCode, seconds);
  }
  return (_req: IncomingMessage, _headers: unknown, res: ServerResponse) => {
    (res as TimedResponse)[STARTED] = performance.now();
    res.on('finish', finished);
    return undefined;
  };
}
