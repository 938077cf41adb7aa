import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer a step gives before routing (a CORS preflight, a redirect): status and headers. */
export interface EarlyAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Where a step sets response headers: Express' response and Fastify's reply both have these.
 * On Fastify the headers then reach Node in one piece when the reply is sent; set on Node's
 * response instead, each would be checked twice and Fastify's own would take Node's slow path.
 */
export interface ResponseHeaders {
  header(name: string, value: string): unknown;
}

/**
 * Work done to every request before routing, on either platform: it sets response headers and
 * may answer the request itself by returning the answer, which the platform then sends with an
 * empty body. `response` is Node's, for what headers alone cannot do. The steps run one after
 * the other in front of Express (as the HTTP server's request listener) or in one Fastify
 * request hook (src/logging/request-context.hooks.ts): each `app.use()` layer or hook a request
 * passes through costs it more than these steps' own work.
 */
export type RequestStep = (
  request: IncomingMessage,
  headers: ResponseHeaders,
  response: ServerResponse,
) => EarlyAnswer | undefined;
