import { STATUS_CODES } from 'node:http';
import type {
  ExampleObject,
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';

/** Component schema name {@link documentAuth} gives error bodies unless told otherwise. */
export const DEFAULT_ERROR_SCHEMA = 'ApiError';

/**
 * Every refusal's body: Nest's own `{statusCode, message, error}`, as AuthErrorFilter writes
 * it. Added to the document only when the app has not defined a schema of that name.
 */
export const AUTH_ERROR_BODY: SchemaObject = {
  type: 'object',
  description: 'Error body: the HTTP status, a fixed message and the status text.',
  required: ['statusCode', 'message', 'error'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599, example: 401 },
    message: { type: 'string', example: 'Missing bearer token' },
    error: { type: 'string', example: 'Unauthorized' },
  },
};

/**
 * `WWW-Authenticate` (RFC 6750 section 3, RFC 9449 section 7.1), sent with every 401 and the auth
 * layer's 400/403.
 */
export const WWW_AUTHENTICATE: HeaderObject = {
  description:
    'Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns.',
  schema: { type: 'string', example: 'Bearer realm="demo", error="invalid_token"' },
};

/** `Retry-After` in seconds, sent with every 429 and 503 the auth layer answers. */
export const RETRY_AFTER: HeaderObject = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 1, example: 30 },
};

/** An error body as the API writes it: `{statusCode, message, error}`. */
export interface ErrorBodyExample {
  statusCode: number;
  message: string | string[];
  error: string;
}

/** The body an answer of `status` with `message` has, for a response's example. */
export function errorExample(status: number, message: string | string[]): ErrorBodyExample {
  return { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' };
}

/** The error schema under `name`, defined unless the document already has one. */
export function ensureErrorSchema(document: OpenAPIObject, name: string): ReferenceObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[name] ??= AUTH_ERROR_BODY;
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * Documents one error answer of `op`. A new response gets the error body and `headers`,
 * required unless a header says otherwise. A response the app already declared for that status
 * keeps its body, gains this reason after its own description, and gains the headers as
 * optional: the app's own answers may not carry them.
 */
export function addErrorResponse(
  op: OperationObject,
  status: number,
  description: string,
  body: ReferenceObject,
  headers: Record<string, HeaderObject> = {},
  example?: ErrorBodyExample,
): void {
  const existing: ResponseObject | ReferenceObject | undefined = op.responses[status];
  if (existing === undefined) {
    const required = mapValues(headers, (header) => ({ required: true, ...header }));
    op.responses[status] = {
      description,
      ...(Object.keys(required).length > 0 && { headers: required }),
      content: { 'application/json': { schema: body, ...(example && { example }) } },
    };
    return;
  }
  // A $ref'd response is shared with other operations: not ours to change.
  if ('$ref' in existing) return;
  existing.description = existing.description
    ? `${existing.description}. Or: ${description}`
    : description;
  existing.headers ??= {};
  for (const [name, header] of Object.entries(headers)) {
    existing.headers[name] ??= { ...header, required: false };
  }
  if (example) addExample(existing, example);
}

/**
 * Gives a response the app declared a second example, this answer's, beside its own: Swagger
 * UI then offers both. A response without an example of its own gets this one as its example.
 */
function addExample(response: ResponseObject, example: ErrorBodyExample): void {
  const media = response.content?.['application/json'];
  if (!media) return;
  if (media.example === undefined && media.examples === undefined) {
    media.example = example;
    return;
  }
  const examples: Record<string, ExampleObject> = (media.examples ?? {}) as Record<
    string,
    ExampleObject
  >;
  if (media.example !== undefined) {
    const own = media.example as Partial<ErrorBodyExample>;
    examples.route = { summary: String(own.message ?? 'this route'), value: own };
    delete media.example;
  }
  examples.auth = { summary: String(example.message), value: example };
  media.examples = examples;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
