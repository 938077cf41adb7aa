import type { Fault, StandInEndpoint } from 'nest-keycloak-auth/testing';
import { ROUTE_TABLE, type Caller } from './route-table.js';

/**
 * Who sends a row's request: a demo caller, a token the API must refuse, or alice with a token
 * requested with `scope=openid organization:*` (she is in acme) or with `openid email` (no
 * profile scope).
 */
export type Sender =
  | Caller
  | 'dave'
  | 'bad token'
  | 'expired token'
  | 'alice in organizations'
  | 'alice without profile'
  | 'paula of the partners realm';

/** One request of the contract test (test/openapi-contract.e2e-spec.ts) and its status. */
export interface ContractRow {
  /** The test's name, and what KNOWN_GAPS lists. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `:new` becomes the id of an item alice creates for the row. */
  path: string;
  as: Sender;
  /** The status this request must get; the contract test then checks the whole answer. */
  status: number;
  /** Sent as JSON; a string is sent as it is, with Content-Type application/json. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A fault the stand-in serves first, e.g. ['introspect', { status: 500 }]. */
  fault?: [StandInEndpoint, Fault];
}

/** The body a route-table row sends (keyed `METHOD path`); rows not listed send none. */
const TABLE_BODIES: Record<string, unknown> = {
  'POST /items': { name: 'widget' },
  'PATCH /items/:new': { name: 'renamed' },
};

/** Every route × caller of test/support/route-table.ts, with its status there. */
export const TABLE_ROWS: ContractRow[] = ROUTE_TABLE.flatMap(([method, path, expected]) =>
  (Object.keys(expected) as Caller[]).map((as) => ({
    name: `${method} ${path} as ${as}`,
    method,
    path,
    as,
    status: expected[as],
    body: TABLE_BODIES[`${method} ${path}`],
  })),
);

/** A token no realm signed, and an expired one, on every protected route of the table. */
export const BAD_TOKEN_ROWS: ContractRow[] = ROUTE_TABLE.filter(
  ([, , expected]) => expected.anonymous === 401,
).flatMap(([method, path]) =>
  (['bad token', 'expired token'] as const).map((as) => ({
    name: `${method} ${path} with a ${as}`,
    method,
    path,
    as,
    status: 401,
    body: TABLE_BODIES[`${method} ${path}`],
  })),
);

/** The app's own error answers, outside src/items/. */
export const APP_ROWS: ContractRow[] = [
  ...['max=101', 'max=0', 'max=abc', 'first=-1', 'first=2147483648', 'first=1.5'].map(
    (query): ContractRow => ({
      name: `GET /admin/users?${query} → 400`,
      method: 'GET',
      path: `/admin/users?${query}`,
      as: 'alice',
      status: 400,
    }),
  ),
  {
    name: 'GET /orgs/acme as a member',
    method: 'GET',
    path: '/orgs/acme',
    as: 'alice in organizations',
    status: 200,
  },
  {
    name: 'GET /orgs/globex as a non-member → 403',
    method: 'GET',
    path: '/orgs/globex',
    as: 'alice in organizations',
    status: 403,
  },
  {
    name: 'GET /partners/ping from the partners realm',
    method: 'GET',
    path: '/partners/ping',
    as: 'paula of the partners realm',
    status: 200,
  },
  {
    name: 'GET /me without the profile scope → 403',
    method: 'GET',
    path: '/me',
    as: 'alice without profile',
    status: 403,
  },
  {
    name: 'GET /admin/users while the Admin REST API fails → 502',
    method: 'GET',
    path: '/admin/users',
    as: 'alice',
    status: 502,
    fault: ['adminUsers', { status: 500 }],
  },
];

/** A GET /items query the API refuses with 400. */
const badListQuery = (query: string): ContractRow => ({
  name: `GET /items?${query} → 400`,
  method: 'GET',
  path: `/items?${query}`,
  as: 'bob',
  status: 400,
});

/**
 * The items routes' answers beyond the route table: add a row per new answer, and its name to
 * KNOWN_GAPS only while the document cannot describe it yet.
 */
export const ITEM_ROWS: ContractRow[] = [
  ...(
    [
      ['an empty name', { name: '' }],
      ['a number for a name', { name: 42 }],
      ['an unknown property', { name: 'ok', owner: 'someone-else' }],
      ['malformed JSON', '{"name": '],
    ] as Array<[string, unknown]>
  ).flatMap(([label, body]): ContractRow[] => [
    {
      name: `POST /items with ${label} → 400`,
      method: 'POST',
      path: '/items',
      as: 'alice',
      status: 400,
      body,
    },
    {
      name: `PATCH /items/:new with ${label} → 400`,
      method: 'PATCH',
      path: '/items/:new',
      as: 'alice',
      status: 400,
      body,
    },
  ]),
  ...['limit=0', 'limit=101', 'limit=abc', 'after=0', 'after=x', 'owner=you'].map(badListQuery),
  {
    name: 'GET /items?limit=1 (Link: rel=next)',
    method: 'GET',
    path: '/items?limit=1',
    as: 'bob',
    status: 200,
  },
  { name: 'GET /items?owner=me', method: 'GET', path: '/items?owner=me', as: 'alice', status: 200 },
  { name: 'GET /items/:new (ETag)', method: 'GET', path: '/items/:new', as: 'bob', status: 200 },
  { name: 'GET /items/abc → 400', method: 'GET', path: '/items/abc', as: 'bob', status: 400 },
  { name: 'DELETE /items/0 → 400', method: 'DELETE', path: '/items/0', as: 'alice', status: 400 },
  { name: 'GET /items/999999 → 404', method: 'GET', path: '/items/999999', as: 'bob', status: 404 },
  {
    name: 'DELETE /items/999999 → 404',
    method: 'DELETE',
    path: '/items/999999',
    as: 'alice',
    status: 404,
  },
  {
    name: 'PATCH /items/999999 → 404',
    method: 'PATCH',
    path: '/items/999999',
    as: 'alice',
    status: 404,
    body: { name: 'renamed' },
  },
  ...(
    [
      ['a stale If-Match → 412', '"999"', 412],
      ['a malformed If-Match → 400', 'three', 400],
      ['the current If-Match → 200 (ETag)', '"1"', 200],
      ['If-Match: * → 200', '*', 200],
    ] as const
  ).map(([label, ifMatch, status]): ContractRow => ({
    name: `PATCH /items/:new with ${label}`,
    method: 'PATCH',
    path: '/items/:new',
    as: 'alice',
    status,
    body: { name: 'renamed' },
    headers: { 'If-Match': ifMatch },
  })),
  {
    name: 'DELETE /items/:new while introspection fails → 502',
    method: 'DELETE',
    path: '/items/:new',
    as: 'alice',
    status: 502,
    fault: ['introspect', { status: 500 }],
  },
];

/**
 * Rows whose answers the document does not describe yet, run as `it.failing`: the items
 * controller documents them with `@ApiErrors`. Once it does, a row here fails ("passed, but
 * expected to fail"): delete it from this list.
 */
export const KNOWN_GAPS: ReadonlySet<string> = new Set<string>([]);

/** Requests answered while Keycloak has been down since before the app started. */
export const KEYCLOAK_DOWN_ROWS: ContractRow[] = [
  { name: 'GET /health while down', method: 'GET', path: '/health', as: 'anonymous', status: 200 },
  {
    name: 'GET /health/ready while down → 503',
    method: 'GET',
    path: '/health/ready',
    as: 'anonymous',
    status: 503,
  },
  ...(['/me', '/items', '/admin/users'] as const).map((path): ContractRow => ({
    name: `GET ${path} while down → 503`,
    method: 'GET',
    path,
    as: 'alice',
    status: 503,
  })),
];

/** Requests answered while the database cannot be reached (Keycloak up). */
export const DATABASE_DOWN_ROWS: ContractRow[] = [
  {
    name: 'GET /health/ready while the database is down → 503',
    method: 'GET',
    path: '/health/ready',
    as: 'anonymous',
    status: 503,
  },
  ...(
    [
      ['GET', '/items', 'bob', undefined],
      ['GET', '/items/1', 'bob', undefined],
      ['POST', '/items', 'dave', { name: 'lost' }],
      ['PATCH', '/items/1', 'alice', { name: 'lost' }],
      ['DELETE', '/items/1', 'alice', undefined],
    ] as const
  ).map(([method, path, as, body]): ContractRow => ({
    name: `${method} ${path} while the database is down → 503 (Retry-After)`,
    method,
    path,
    as,
    status: 503,
    body,
  })),
];
