import type { INestApplication } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { contextOf, REQUEST_ID_HEADER, requestContext } from '../logging/request-context.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import { docsFolderLocation, isDocsPath } from './docs-redirect.js';
import type { HttpEdge } from './edge-parts.js';
import { isGraphiqlPage } from './graphiql-page.js';
import { refusesBody, UNSUPPORTED_MEDIA_TYPE } from './json-body.js';

/** Fastify keeps header names in lower case: given so, each is set without converting. */
const REPLY_REQUEST_ID = REQUEST_ID_HEADER.toLowerCase();

/**
 * The edge (src/http/http-edge.ts) as Fastify request hooks. Not `app.use()`: Nest runs
 * middleware on Fastify through @fastify/middie, after every hook of the adapter's own.
 */
export function useFastifyEdge(app: INestApplication, edge: HttpEdge): void {
  const adapter = app.getHttpAdapter() as unknown as FastifyAdapter;
  // The adapter's first request hook, before `enableCors()`'s: a preflight carries the id too.
  adapter.setOnRequestHook(requestContextHook);
  const fastify = adapter.getInstance();
  const { metrics } = edge;
  if (metrics) fastify.addHook('onResponse', timingHook(metrics));
  app.enableCors(edge.cors);
  const headers = Object.fromEntries(edge.apiHeaders);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isDocsPath(request.url)) {
      return edge.docsHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
    }
    if (
      edge.graphiqlHeaders &&
      isGraphiqlPage(request.method, request.url, request.headers.accept)
    ) {
      return edge.graphiqlHeaders(request.raw, reply.raw, (error) =>
        done(error as Error | undefined),
      );
    }
    void reply.headers(headers);
    done();
  });
  fastify.addHook('onRequest', docsRedirectHook);
  fastify.addHook('onRequest', jsonBodyHook);
}

/** A body the API would not read as JSON: 415, before any parser or validation sees it. */
function jsonBodyHook(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (!refusesBody(request.method, request.url, request.headers)) return done();
  void reply.code(415).send(UNSUPPORTED_MEDIA_TYPE);
}

/** Gives the request its id (echoed) and serves the rest of it inside its log context. */
function requestContextHook(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const context = contextOf(request.headers);
  void reply.header(REPLY_REQUEST_ID, context.requestId);
  requestContext.run(context, done);
}

/** Labelled with the matched route; the reply already knows the elapsed time. */
function timingHook(metrics: HttpMetrics) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const { method, routeOptions } = request;
    metrics.observe(method, routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
}

function docsRedirectHook(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const location = docsFolderLocation(request.method, request.url);
  if (location === undefined) return done();
  void reply.code(301).header('location', location).send();
}
