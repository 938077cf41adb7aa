import type { INestApplication } from '@nestjs/common';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { RequestStep, ResponseHeaders } from '../common/request-step.js';
import { contextOf, REQUEST_ID_HEADER, requestContext } from './request-context.js';

/**
 * Gives every request its id (echoed in `X-Request-Id`) and trace id, runs `steps` in order (the
 * first that answers ends the request there), then serves the rest of the request inside the
 * context, so every log line written meanwhile carries it. It runs before anything else of the
 * platform's, so even an early answer (a CORS preflight, a redirect) carries the id. On Express
 * it wraps Express itself as the HTTP server's request listener: as `app.use()` middleware each
 * request would also pay a pass through Express' router and Express' own `res.header()` for
 * every header. On Fastify a request hook, not `app.use()`: Nest runs middleware there through
 * middie, which works out the client address, host and query of every request.
 */
export function useRequestContext(app: INestApplication, steps: readonly RequestStep[]): void {
  const all = Object.freeze([...steps]);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', fastifyHook(all));
    return;
  }
  wrapRequestListener(app.getHttpServer() as Server, all);
}

/**
 * Puts `steps` in front of the server's one request listener (Express, which Nest's adapter
 * made the listener when it created the server). Fails at start-up if the server is not shaped
 * so: running without the steps would serve answers without their security headers.
 */
function wrapRequestListener(server: Server, steps: readonly RequestStep[]): void {
  const listeners = server.listeners('request');
  if (listeners.length !== 1) {
    throw new Error(`Expected one request listener (Express), found ${listeners.length}`);
  }
  const express = listeners[0] as RequestListener;
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const context = contextOf(req.headers);
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    const headers = new NodeHeaders(res);
    for (let i = 0; i < steps.length; i++) {
      const answer = steps[i](req, headers, res);
      if (answer !== undefined) return void res.writeHead(answer.status, answer.headers).end();
    }
    requestContext.run(context, express, req, res);
  });
}

/** A step's headers on Node's response, before Express has made it an Express response. */
class NodeHeaders implements ResponseHeaders {
  constructor(private readonly response: ServerResponse) {}

  header(name: string, value: string): void {
    this.response.setHeader(name, value);
  }
}

/** Fastify lower-cases every name it is given: already lower case, its key is found at once. */
const REPLY_HEADER = REQUEST_ID_HEADER.toLowerCase();

function fastifyHook(steps: readonly RequestStep[]) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const context = contextOf(request.headers);
    void reply.header(REPLY_HEADER, context.requestId);
    for (let i = 0; i < steps.length; i++) {
      const answer = steps[i](request.raw, reply, reply.raw);
      if (answer !== undefined)
        return void reply.code(answer.status).headers(answer.headers).send();
    }
    requestContext.run(context, done);
  };
}
