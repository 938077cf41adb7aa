import type { INestApplication } from '@nestjs/common';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestStep, ResponseHeaders } from '../common/request-step.js';
import { contextOf, REQUEST_ID_HEADER, requestContext } from './request-context.js';

/**
 * Gives every request its id (echoed in `X-Request-Id`) and trace id, runs `steps` in order (the
 * first that answers ends the request there), then serves the rest of the request inside the
 * context, so every log line written meanwhile carries it. One Express middleware or one Fastify
 * request hook in all, registered before any other, so even an early answer (a CORS preflight,
 * a redirect) carries the id. On Fastify a request hook, not `app.use()`: Nest runs middleware
 * there through middie, which works out the client address, host and query of every request.
 */
export function useRequestContext(app: INestApplication, steps: readonly RequestStep[]): void {
  const all = Object.freeze([...steps]);
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', fastifyHook(all));
    return;
  }
  app.use(expressMiddleware(all));
}

function expressMiddleware(steps: readonly RequestStep[]) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const context = contextOf(req.headers);
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    for (let i = 0; i < steps.length; i++) {
      const answer = steps[i](req, res as ServerResponse & ResponseHeaders, res);
      if (answer !== undefined) return void res.writeHead(answer.status, answer.headers).end();
    }
    requestContext.run(context, next);
  };
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
