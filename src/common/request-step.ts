import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer a step gives before routing (a CORS preflight, a redirect): status and headers. */
export interface EarlyAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Work done to every request before routing, on Node's request and response on either platform:
 * it sets response headers and may answer the request itself by returning the answer, which
 * the platform then sends with an empty body. The steps run one after the other in a single
 * Express middleware or Fastify request hook (src/logging/request-context.hooks.ts): each
 * `app.use()` layer or hook a request passes through costs it more than these steps' own work.
 */
export type RequestStep = (
  request: IncomingMessage,
  response: ServerResponse,
) => EarlyAnswer | undefined;
