import type {
  CorsOptions,
  CorsOptionsDelegate,
} from '@nestjs/common/interfaces/external/cors-options.interface.js';
import type { IncomingHttpHeaders } from 'node:http';

/** Methods a preflight allows: every one the API's routes use. */
const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

/** Response headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'];

/**
 * `app.enableCors()`'s options (the `cors` package on Express, @fastify/cors on Fastify): the
 * listed origins (`CORS_ORIGINS`, exact matches) get their grant with credentials, and a
 * preflight echoes the headers the page asks to send (the bearer token needs Authorization).
 * Chosen per request only to keep grant headers off requests without Origin (servers, scripts,
 * load balancers): they get `Vary: Origin` alone, as the Fetch standard asks of caches.
 */
export function corsOptions(
  origins: readonly string[],
): CorsOptionsDelegate<{ headers: IncomingHttpHeaders }> {
  const cors: CorsOptions = {
    origin: [...origins],
    methods: METHODS,
    credentials: true,
    exposedHeaders: EXPOSED_HEADERS,
  };
  const notCors: CorsOptions = { origin: [...origins], methods: METHODS };
  return (request, callback) =>
    callback(null, request.headers.origin === undefined ? notCors : cors);
}
