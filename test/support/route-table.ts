/**
 * Who calls: alice is api-admin, bob api-read, carol has no API role, dave api-read and
 * api-write, service (the API's service account) api-read.
 */
export type Caller = 'alice' | 'bob' | 'carol' | 'dave' | 'service' | 'anonymous';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Route × caller → status, proven against the stand-in (test/routes.e2e-spec.ts) and the real
 * Keycloak (test/keycloak/routes.e2e-spec.ts). `:new` is an item alice creates for that row, so
 * dave's PATCH is a non-owner's. POST and PATCH send `{ name }`.
 */
export const ROUTE_TABLE: ReadonlyArray<[Method, string, Record<Caller, number>]> = [
  ['GET', '/health', { alice: 200, bob: 200, carol: 200, dave: 200, service: 200, anonymous: 200 }],
  [
    'GET',
    '/health/ready',
    { alice: 200, bob: 200, carol: 200, dave: 200, service: 200, anonymous: 200 },
  ],
  ['GET', '/me', { alice: 200, bob: 200, carol: 200, dave: 200, service: 200, anonymous: 401 }],
  // Tokens requested without an organization scope carry no organization claim.
  [
    'GET',
    '/orgs/acme',
    { alice: 403, bob: 403, carol: 403, dave: 403, service: 403, anonymous: 401 },
  ],
  // @Realms('partners'): no demo token passes (the partners realm's own are in the contract rows).
  [
    'GET',
    '/partners/ping',
    { alice: 403, bob: 403, carol: 403, dave: 403, service: 403, anonymous: 401 },
  ],
  ['GET', '/items', { alice: 200, bob: 200, carol: 403, dave: 200, service: 200, anonymous: 401 }],
  [
    'GET',
    '/items/1',
    { alice: 200, bob: 200, carol: 403, dave: 200, service: 200, anonymous: 401 },
  ],
  ['POST', '/items', { alice: 201, bob: 403, carol: 403, dave: 201, service: 403, anonymous: 401 }],
  [
    'PATCH',
    '/items/:new',
    { alice: 200, bob: 403, carol: 403, dave: 403, service: 403, anonymous: 401 },
  ],
  [
    'DELETE',
    '/items/:new',
    { alice: 204, bob: 403, carol: 403, dave: 403, service: 403, anonymous: 401 },
  ],
  [
    'GET',
    '/admin/users',
    { alice: 200, bob: 403, carol: 403, dave: 403, service: 403, anonymous: 401 },
  ],
];
