import type { IncomingMessage } from 'node:http';
import type { EarlyAnswer, RequestStep, ResponseHeaders } from './request-step.js';

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

/** A preflight's answer, once its CORS headers are set: 204, empty. */
const PREFLIGHT: EarlyAnswer = Object.freeze({
  status: 204,
  headers: Object.freeze({ 'Content-Length': '0' }),
});

/**
 * The policy as a request step (src/common/request-step.ts): CORS headers on every answer, and
 * a preflight answered at once. Not `app.enableCors()`: the cors packages behind it build their
 * answer on every request, Origin or not, which cost a tenth of a public route's time on Fastify.
 */
export function corsStep(policy: CorsPolicy): RequestStep {
  return (request: IncomingMessage, headers: ResponseHeaders) => {
    const answer = corsAnswer(policy, request);
    for (const name in answer.headers) headers.header(name, answer.headers[name]);
    return answer.preflight ? PREFLIGHT : undefined;
  };
}
