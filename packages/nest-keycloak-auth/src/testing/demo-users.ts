import { createHash } from 'node:crypto';

/** A realm user known to the stand-in (token presets and the admin users endpoint). */
export interface StandInUser {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  enabled: boolean;
  /** Roles of the API client (resource_access[clientId].roles) put in this user's tokens. */
  clientRoles: string[];
  /** Aliases of the Keycloak Organizations the user belongs to. */
  organizations: string[];
}

/** Names of the built-in demo users. */
export type DemoUsername = 'alice' | 'bob' | 'carol' | 'dave';

/** Fixed subject (user id) of the client's service account. */
export const SERVICE_ACCOUNT_ID = '0f6c1b3e-5a0d-4c36-9d7e-2b8a4f1c7e90';

/**
 * Demo users: alice is api-admin, bob api-read, carol has no client role, dave api-read and
 * api-write. Organizations: alice and dave are in acme, bob in globex, carol in none.
 */
export const DEMO_USERS: readonly StandInUser[] = [
  demoUser(
    'alice',
    'Alice',
    'Anderson',
    '5d1a0c8e-1f2b-4c3d-8e4f-a1b2c3d4e5f6',
    ['api-admin'],
    ['acme'],
  ),
  demoUser('bob', 'Bob', 'Brown', '6e2b1d9f-2a3c-4d4e-9f5a-b2c3d4e5f6a7', ['api-read'], ['globex']),
  demoUser('carol', 'Carol', 'Clark', '7f3c2e0a-3b4d-4e5f-8a6b-c3d4e5f6a7b8', []),
  demoUser(
    'dave',
    'Dave',
    'Davis',
    '803d3f1b-4c5e-4f6a-9b7c-d4e5f6a7b8c9',
    ['api-read', 'api-write'],
    ['acme'],
  ),
];

/** The partners realm's user (keycloak/realm-partners.json): paula, api-read, no organization. */
export const PARTNER_USERS: readonly StandInUser[] = [
  demoUser('paula', 'Paula', 'Partner', '00000000-0000-4000-8000-0000000ba01a', ['api-read']),
];

/** Fresh, mutable copies of the partners realm's users. */
export function partnerUsers(): StandInUser[] {
  return PARTNER_USERS.map((user) => ({ ...user, clientRoles: [...user.clientRoles] }));
}

/** Fresh, mutable copies of the demo users. */
export function demoUsers(): StandInUser[] {
  return DEMO_USERS.map((user) => ({
    ...user,
    clientRoles: [...user.clientRoles],
    organizations: [...user.organizations],
  }));
}

/** Finds a user by username, or derives a stable placeholder user for an unknown name. */
export function userNamed(users: readonly StandInUser[], username: string): StandInUser {
  const known = users.find((user) => user.username === username);
  if (known) return known;
  const hex = createHash('sha256').update(username).digest('hex');
  const id = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ];
  const first = username.charAt(0).toUpperCase() + username.slice(1);
  return demoUser(username, first, 'Test', id.join('-'), []);
}

/** The user as Keycloak's admin API represents it (GET /admin/realms/{realm}/users). */
export function toUserRepresentation(user: StandInUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    emailVerified: true,
    enabled: user.enabled,
    createdTimestamp: 1_700_000_000_000,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: [],
    notBefore: 0,
  };
}

function demoUser(
  username: string,
  firstName: string,
  lastName: string,
  id: string,
  clientRoles: string[],
  organizations: string[] = [],
): StandInUser {
  const email = `${username}@example.com`;
  return { id, username, email, firstName, lastName, enabled: true, clientRoles, organizations };
}
