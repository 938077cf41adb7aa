import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which browser origins may call the API, and what they may do and read. */
export interface CorsPolicy {
  /** Exact origins (scheme, host, port); anything else gets no CORS grant. */
  origins: readonly string[];
  /** Methods a preflight allows. */
  methods: readonly string[];
  /** Response headers a page may read besides the CORS-safelisted ones. */
  exposedHeaders: readonly string[];
}

/** The request parts CORS reads (RFC 9110 names, lower case as Node gives them). */
export interface CorsRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What CORS adds to one response; `preflight` answers the request with 204 at once. */
export interface CorsAnswer {
  headers: Readonly<Record<string, string>>;
  preflight: boolean;
}

/** A request without Origin is not a CORS request: caches only learn the answer varies. */
const NOT_CORS: CorsAnswer = Object.freeze({
  headers: Object.freeze({ Vary: 'Origin' }),
  preflight: false,
});

/**
 * The CORS answer (Fetch standard) to a request: a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered at once, listed origins get their grant with
 * credentials, and every answer carries `Vary: Origin`. A request without Origin costs nothing
 * beyond that header: servers, scripts and load balancers never send one.
 */
export function corsAnswer(policy: CorsPolicy, request: CorsRequest): CorsAnswer {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return NOT_CORS;
  const allowed = policy.origins.includes(origin);
  const grant: Record<string, string> = allowed
    ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' }
    : {};
  const requestMethod = request.headers['access-control-request-method'];
  if (request.method !== 'OPTIONS' || requestMethod === undefined) {
    if (allowed) grant['Access-Control-Expose-Headers'] = policy.exposedHeaders.join(', ');
    return { headers: { ...grant, Vary: 'Origin' }, preflight: false };
  }
  const requested = request.headers['access-control-request-headers'];
  return {
    headers: {
      ...grant,
      'Access-Control-Allow-Methods': policy.methods.join(','),
      // Any header the page asks to send: the bearer token needs Authorization.
      ...(typeof requested === 'string' && { 'Access-Control-Allow-Headers': requested }),
      Vary: 'Origin, Access-Control-Request-Headers',
    },
    preflight: true,
  };
}

/**
 * Applies the policy to every request, first thing, on Express (a middleware) and Fastify (a
 * request hook). Not `app.enableCors()`: the cors packages behind it build their answer on
 * every request, Origin or not, which cost a tenth of a public route's time on Fastify.
 */
export function enableCors(app: INestApplication, policy: CorsPolicy): void {
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    const fastify = adapter.getInstance() as FastifyInstance;
    fastify.addHook('onRequest', (request, reply, done) => {
      const answer = corsAnswer(policy, request);
      void reply.headers(answer.headers);
      if (!answer.preflight) return done();
      void reply.code(204).header('Content-Length', '0').send();
    });
    return;
  }
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const answer = corsAnswer(policy, req);
    for (const name in answer.headers) res.setHeader(name, answer.headers[name]);
    if (!answer.preflight) return next();
    res.writeHead(204, { 'Content-Length': '0' }).end();
  });
}
