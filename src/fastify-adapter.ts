import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { AppConfig } from './config/app.config.js';
import { answerClientError } from './http/client-error.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './logging/request-context.js';
import {
  BODY_LIMIT_BYTES,
  decodeBody,
  expressJsonParser,
  type ParserDone,
} from './fastify-body.js';

type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

/** Express' `trust proxy` semantics as Fastify's `trustProxy` option. */
function trustProxy(value: AppConfig['trustProxy']): TrustProxy {
  // Fastify 5 trusts no hop at all for a bare number; Express trusts that many hops.
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value;
}

/**
 * The router's own refusals, which run before any hook or filter: a bad %-escape gets the
 * fixed 400 Express' HttpErrorFilter gives it, never Fastify's text (it echoes the URL),
 * and the X-Request-Id the request hook (src/http/fastify-edge.ts) never set.
 */
function routerError(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code !== 'FST_ERR_BAD_URL') {
    void reply.send(error);
    return;
  }
  const body = { statusCode: 400, message: 'Malformed URL', error: STATUS_CODES[400] };
  void reply.header(REQUEST_ID_HEADER, requestIdFrom(request.headers['x-request-id']));
  void reply.code(400).send(body);
}

/**
 * The Fastify adapter, set up to answer like the Express one: the same body limit, bodies
 * (JSON with body-parser's rules, forms, gzip/deflate/br; others ignored), routing (trailing
 * slash and case ignored, no short parameter cap) and `trust proxy`.
 */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    trustProxy: trustProxy(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: routerError,
    // What Node's parser refuses never reaches Fastify: answered as on Express.
    clientErrorHandler: answerClientError,
    // Node refuses longer request lines itself (431); Fastify's default cap is 100 characters.
    routerOptions: {
      ignoreTrailingSlash: true,
      caseSensitive: false,
      maxParamLength: maxHeaderSize,
    },
  });
  const instance = adapter.getInstance();
  const fastifyJson = instance.getDefaultJsonParser('error', 'error');
  // Nest adds the form parser at init; Express reads no other body (e.g. text/plain), nor this.
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(
    '*',
    (_request: FastifyRequest, _payload: unknown, done: ParserDone) => done(null, undefined),
  );
  adapter.useBodyParser(
    'application/json',
    false,
    { bodyLimit: BODY_LIMIT_BYTES },
    expressJsonParser(fastifyJson),
  );
  instance.addHook('preParsing', decodeBody);
  return adapter;
}
