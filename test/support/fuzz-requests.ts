import fc from 'fast-check';
import { headerText, nastyText, wellFormed } from './fuzz-text.js';

/** A request as a fuzz case describes it, before a credential is added. */
export interface RequestCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The app's route prefixes, public ones included, and one it does not have. */
const PREFIXES = [
  '/items',
  '/me',
  '/admin/users',
  '/orgs',
  '/partners/ping',
  '/health',
  '/docs',
  '/nowhere',
];

/** Ids as a client could write them: numbers of every size and shape, and plain garbage. */
const fuzzedId = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom('0', '-1', '1e3', '0x10', '1.0', '%201', '9007199254740992', '%00', '..', '.'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  nastyText(0, 30).map((text) => encodeURIComponent(wellFormed(text))),
);

const path = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.array(fuzzedId, { maxLength: 3 }), fc.boolean())
  .map(([prefix, ids, slash]) => [prefix, ...ids].join('/') + (slash ? '/' : ''));

/** Keys real parsers treat specially: repeated, nested (qs brackets), prototype names. */
const queryKey = fc.oneof(
  { arbitrary: fc.constantFrom('limit', 'after', 'owner', 'first', 'max'), weight: 6 },
  fc.constantFrom('access_token', 'name'),
  fc.constantFrom('__proto__', '__proto__[admin]', 'constructor[prototype][x]', 'a[b][c][d]'),
  fc.constantFrom('limit[]', 'limit[0]', 'owner[me]', 'a[]'),
  fc.string({ maxLength: 12 }),
);

const queryValue = fc.oneof(
  fc.constantFrom('me', '1', '100', '0', '-1', '9007199254740993', ''),
  fc.string({ maxLength: 30 }),
  nastyText(0, 10).map(wellFormed),
);

/** `?k=v&k=v…` with keys repeated and nested, encoded as a browser would (or not at all). */
const query = fc
  .tuple(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 6 }), fc.boolean())
  .map(([pairs, raw]) => {
    if (pairs.length === 0) return '';
    const encode = (text: string) =>
      raw ? text.replace(/[^!-~]/gu, encodeURIComponent) : encodeURIComponent(text);
    return '?' + pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&');
  });

/** A name that is almost right: control characters, huge, lone surrogates, wrong type. */
const nameValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 120 }),
  { arbitrary: nastyText(0, 40), weight: 4 },
  fc.constantFrom(100, 101, 60_000, 300_000).map((n) => 'x'.repeat(n)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `depth` nested arrays or objects around a name: the app refuses deeper than 32 with 400. */
const deepBody = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? '['.repeat(depth) + ']'.repeat(depth)
      : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/** JSON bodies, nearly valid ones and not-JSON at all. */
const body = fc.oneof(
  { arbitrary: fc.record({ name: nameValue }).map((value) => JSON.stringify(value)), weight: 10 },
  nameValue.map((name) => `{"__proto__":{"admin":true},"name":${JSON.stringify(name) ?? 'null'}}`),
  fc.constantFrom('{"constructor":{"prototype":{"x":1}}}', '{"name":"a","name":"\\u0000"}'),
  deepBody,
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 60 }),
);

/** Headers the app reads or echoes, each present or not, mostly well-formed. */
const headers = fc.record(
  {
    'if-match': fc.oneof(
      fc.constantFrom('*', '"1"', 'W/"1"', '"1", "2"', '"999999999999"', '""'),
      headerText(60),
    ),
    origin: fc.oneof(
      fc.constantFrom('http://localhost:3000', 'http://localhost:5173', 'null'),
      fc.webUrl(),
      headerText(60),
    ),
    'x-request-id': fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f]{0,64}$/), headerText(200)),
    'x-organization': headerText(40),
    'access-control-request-method': fc.constantFrom('GET', 'DELETE', 'x'),
    'access-control-request-headers': headerText(60),
  },
  { requiredKeys: [] },
);

/** How the body is labelled: JSON mostly, else anything, sometimes compressed (it is not). */
const bodyHeaders = fc
  .record(
    {
      'content-type': fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 8 },
        fc.constantFrom('application/json; charset=utf-16', 'text/plain', 'multipart/form-data'),
        fc.constant('application/x-www-form-urlencoded'),
        headerText(40),
      ),
      // Rare: a body claiming a compression it lacks is refused before anything looks at it.
      'content-encoding': fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown'),
      ),
    },
    { requiredKeys: ['content-type'] },
  )
  // An undefined header would be sent as the text "undefined".
  .map((headers) => JSON.parse(JSON.stringify(headers)) as Record<string, string>);

/** A route of the app with a fuzzed id, in the method it answers; writes more often. */
const route = fc.oneof(
  { arbitrary: fc.constant('POST /items'), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('GET', 'PATCH', 'DELETE'), fc.oneof(fc.constant('1'), fuzzedId))
      .map(([method, id]) => `${method} /items/${id}`),
    weight: 2,
  },
  fc.constantFrom('GET /items', 'GET /me', 'GET /admin/users'),
  fuzzedId.map((org) => `GET /orgs/${org}`),
);

/** Any method on any path: mostly nothing is there, and nothing may break. */
const wildRoute = fc
  .tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'), path)
  .map(([method, target]) => `${method} ${target}`);

/** Method, path with fuzzed ids, query, headers and body; real routes three times in four. */
export const requestCase: fc.Arbitrary<RequestCase> = fc
  .record({
    route: fc.oneof({ arbitrary: route, weight: 3 }, wildRoute),
    query: fc.oneof(fc.constant(''), query),
    headers,
    body: fc.option(fc.tuple(body, bodyHeaders), { nil: undefined, freq: 4 }),
  })
  .map(({ route, query, headers, body }) => {
    const [method, path] = route.split(' ');
    const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    return {
      method,
      path: path + query,
      headers: withBody ? { ...headers, ...body[1] } : headers,
      ...(withBody && { body: body[0] }),
    };
  });

/** Control characters and line breaks a raw header value can carry, one of them at least. */
const injected = fc
  .tuple(
    headerText(20),
    fc.constantFrom('\r\n', '\n', '\r', '\0', '\r\nX-Injected: yes', '\x1b[31m', '\x7f', '\v'),
    headerText(20),
  )
  .map((parts) => parts.join(''));

/** A raw request head with control characters in a header the app reads or echoes. */
export const rawHeadCase = fc
  .record({
    path: fc.constantFrom('/health', '/items', '/items/1', '/me'),
    header: fc.constantFrom(
      'X-Request-Id',
      'If-Match',
      'Origin',
      'Authorization',
      'X-Organization',
    ),
    value: injected,
  })
  .map(
    ({ path, header, value }) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${header}: ${value}`,
  );
