import type { INestApplication } from '@nestjs/common';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextOf, REQUEST_ID_HEADER, requestContext } from './request-context.js';

/**
 * Gives every request its id (echoed in `X-Request-Id`) and trace id, and serves the rest of
 * the request inside them, so every log line written meanwhile carries them. Call it before any
 * other middleware or hook: the answers those give (CORS preflight, redirects) get the header
 * too. On Fastify a request hook, not `app.use()`: Nest runs middleware there through middie,
 * which works out the client address, host and query of every request.
 */
export function useRequestContext(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', fastifyHook);
    return;
  }
  app.use(expressMiddleware);
}

/** Module-level functions: nothing is allocated per request but the context itself. */
function expressMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const context = contextOf(req.headers);
  res.setHeader(REQUEST_ID_HEADER, context.requestId);
  requestContext.run(context, next);
}

function fastifyHook(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const context = contextOf(request.headers);
  void reply.header(REQUEST_ID_HEADER, context.requestId);
  requestContext.run(context, done);
}
