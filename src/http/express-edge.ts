import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { contextOf, REQUEST_ID_HEADER, requestContext } from '../logging/request-context.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import { docsFolderLocation, isDocsPath } from './docs-redirect.js';
import { answerClientError } from './client-error.js';
import { isGraphiqlPage } from './graphiql-page.js';
import type { HttpEdge } from './edge-parts.js';
import { refusesBody, UNSUPPORTED_MEDIA_TYPE } from './json-body.js';

/** The edge (src/http/http-edge.ts) as Express middleware, in the order they run. */
export function useExpressEdge(app: INestApplication, edge: HttpEdge): void {
  // What Node's parser refuses never reaches Express: answered in JSON, and logged.
  (app.getHttpServer() as Server).on('clientError', answerClientError);
  app.use(requestContextMiddleware);
  if (edge.metrics) app.use(timingMiddleware(edge.metrics));
  app.enableCors(edge.cors);
  app.use(securityHeadersMiddleware(edge));
  app.use(docsRedirectMiddleware);
  app.use(jsonBodyMiddleware);
}

/** A body the API would not read as JSON: 415, before any parser or validation sees it. */
function jsonBodyMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (!refusesBody(req.method, req.url, req.headers)) return next();
  res.status(415).json(UNSUPPORTED_MEDIA_TYPE);
}

/** Gives the request its id (echoed) and serves the rest of it inside its log context. */
function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const context = contextOf(req.headers);
  res.setHeader(REQUEST_ID_HEADER, context.requestId);
  requestContext.run(context, next);
}

/** Times the request until its response is finished, labelled with the matched route. */
function timingMiddleware(metrics: HttpMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      const path = (req.route as { path?: string } | undefined)?.path;
      const route = path === undefined ? undefined : `${req.baseUrl}${path}`;
      metrics.observe(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** The API's headers, or helmet's for Swagger UI and GraphiQL. */
function securityHeadersMiddleware({ apiHeaders, docsHeaders, graphiqlHeaders }: HttpEdge) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isDocsPath(req.url)) return docsHeaders(req, res, next);
    if (graphiqlHeaders && isGraphiqlPage(req.method, req.url, req.headers.accept)) {
      return graphiqlHeaders(req, res, next);
    }
    for (const [name, value] of apiHeaders) res.setHeader(name, value);
    next();
  };
}

function docsRedirectMiddleware(req: Request, res: Response, next: NextFunction): void {
  const location = docsFolderLocation(req.method, req.url);
  if (location === undefined) return next();
  res.status(301).setHeader('Location', location);
  res.end();
}
