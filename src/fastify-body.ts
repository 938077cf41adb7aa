import type { FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Express' default body limit (body-parser's `100kb`): both platforms answer 413 above it. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** The bodies Express' body-parser reads (JSON and forms); Express ignores any other. */
export const PARSED_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** body-parser's decoders; it answers any other Content-Encoding with 415. */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Gives `error` the shape of the http-errors ones body-parser throws: Nest's Fastify adapter
 * wraps it in an HttpException, which HttpErrorFilter answers with a fixed message.
 */
function asHttpError<E extends Error>(error: E, status: number): E {
  return Object.assign(error, { status, statusCode: status, expose: false });
}

const httpError = (status: number) => asHttpError(new Error(STATUS_CODES[status]), status);

const mediaType = (request: FastifyRequest): string =>
  (request.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();

/**
 * `preParsing` hook: inflates gzip, deflate and br bodies of the parsed types, as body-parser
 * does, so the body limit applies to the inflated size (no zip bomb) and a broken stream is a
 * 400. Fastify compares `receivedEncodedLength` with Content-Length.
 */
export function decodeBody(
  request: FastifyRequest,
  _reply: unknown,
  payload: Readable,
  done: (error: Error | null, stream?: Readable) => void,
): void {
  const header = request.headers['content-encoding'];
  const encoding = (typeof header === 'string' ? header : 'identity').toLowerCase();
  if (encoding === 'identity' || !PARSED_TYPES.includes(mediaType(request))) {
    return done(null, payload);
  }
  const create = DECODERS[encoding];
  if (create === undefined) return done(httpError(415));
  const decoder = create();
  const decoded = Object.assign(new PassThrough(), { receivedEncodedLength: 0 });
  // Our own error (zlib's text stays out), also when the client breaks off the upload.
  const fail = (cause: unknown) =>
    decoded.destroy(asHttpError(new Error('Bad Request', { cause }), 400));
  decoder.once('error', fail);
  payload.once('error', fail);
  // Piped once Fastify reads: an error emitted before its listeners are on would go unseen.
  decoded.once('resume', () => {
    payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
    payload.pipe(decoder).pipe(decoded);
  });
  done(null, decoded);
}

/**
 * body-parser's JSON rules on Fastify: an empty body is `{}`, only an object or an array is
 * JSON (strict), a charset other than UTF is 415. Then Fastify's own parser, which refuses
 * `__proto__` keys.
 */
export function expressJsonParser(
  fastifyJson: (request: FastifyRequest, body: string, done: ParserDone) => unknown,
) {
  return (request: FastifyRequest, body: Buffer, done: ParserDone): void => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '');
    if (charset && !charset[1].toLowerCase().startsWith('utf-')) return done(httpError(415));
    const text = body.toString('utf8');
    if (text.length === 0) return done(null, {});
    if (!/^[ \t\n\r]*[[{]/.test(text)) {
      return done(asHttpError(new SyntaxError('Not an object or array'), 400));
    }
    void fastifyJson(request, text, done);
  };
}

/** What a Fastify body parser calls back with. */
export type ParserDone = (error: Error | null, body?: unknown) => void;
