import fc from 'fast-check';
import type { JWTPayload } from 'jose';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  tamperPayload,
  type KeycloakStandIn,
  type MintOptions,
} from 'nest-keycloak-auth/testing';
import { headerText, nastyText } from './fuzz-text.js';

/** Users whose genuine tokens the fuzz cases cut, flip and forge. */
const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
type User = (typeof USERS)[number];
type Forgery = 'alg-none' | 'hs256-public-key' | 'foreign-key' | 'role-tampered';

/** How to build an Authorization header: data, so a failing case prints and shrinks. */
export type CredentialCase =
  | { kind: 'none' }
  | { kind: 'garbage'; header: string }
  | { kind: 'truncated'; user: User; keep: number }
  | { kind: 'bit-flipped'; user: User; segment: 0 | 1 | 2; byte: number; bit: number }
  | { kind: Forgery }
  | { kind: 'odd-claims'; user: User; claims: Record<string, unknown>; kid?: string };

const base64url = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
  maxLength: 400,
});

/** Any JSON-ish value a claim could hold, biased towards the wrong type for the claim. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyText(0, 40),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.object({ maxDepth: 2, maxKeys: 3 }),
);

/** Role claims in shapes that must grant nothing: a string, an array of entries, an object. */
const malformedRoles = fc.constantFrom<Record<string, unknown>>(
  { realm_access: { roles: 'api-admin' } },
  { realm_access: { roles: { 0: 'api-admin' } } },
  { realm_access: [{ roles: ['api-admin'] }] },
  { resource_access: [{ roles: ['api-admin'] }] },
  { resource_access: { 'nest-api': { roles: 'api-admin' } } },
  { resource_access: { 'nest-api': ['api-admin'] } },
  { resource_access: 'nest-api:api-admin' },
  { roles: ['api-admin'] },
);

const CLAIMS = ['exp', 'iat', 'nbf', 'aud', 'iss', 'sub', 'typ', 'azp', 'sid', 'scope'];

/**
 * Genuine claims with some replaced by odd values: `exp` as a string, `aud` as a number, roles
 * as a string, `resource_access` as an array, control characters in `sub`, `azp` or `sid`...
 */
const oddClaims = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...CLAIMS), oddValue, { maxKeys: 3 }),
    fc.option(malformedRoles, { nil: undefined }),
    fc.dictionary(fc.constantFrom('sub', 'azp', 'sid'), nastyText(1, 12), { maxKeys: 2 }),
  )
  .map(([claims, roles, identifiers]) => ({ ...claims, ...roles, ...identifiers }));

/** An Authorization header: absent, garbage, or a genuine token cut, flipped or forged. */
export const credentialCase: fc.Arbitrary<CredentialCase> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc
    .oneof(
      headerText(200),
      base64url.map((text) => `Bearer ${text}`),
    )
    .map((header) => ({
      kind: 'garbage' as const,
      header,
    })),
  fc.record({
    kind: fc.constant('truncated' as const),
    user: fc.constantFrom(...USERS),
    keep: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('bit-flipped' as const),
    user: fc.constantFrom(...USERS),
    segment: fc.constantFrom(0 as const, 1 as const, 2 as const),
    byte: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc
    .constantFrom('alg-none' as const, 'hs256-public-key' as const, 'foreign-key' as const)
    .map((kind) => ({ kind })),
  fc.constant({ kind: 'role-tampered' as const }),
  {
    arbitrary: fc.record(
      {
        kind: fc.constant('odd-claims' as const),
        user: fc.constantFrom(...USERS),
        claims: oddClaims,
        kid: fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.nat(20_000).map((n) => 'k'.repeat(n)),
        ),
      },
      { requiredKeys: ['kind', 'user', 'claims'] },
    ),
    // Signed tokens reach furthest into the app: the handlers and the database.
    weight: 3,
  },
);

/** Builds the header a {@link CredentialCase} describes, from genuine tokens of the stand-in. */
export class CredentialForge {
  private constructor(
    private readonly keycloak: KeycloakStandIn,
    private readonly genuine: Record<User, string>,
    private readonly forged: Record<Forgery, string>,
  ) {}

  /** Mints the genuine tokens and the forgeries once (a foreign key takes ~100 ms to make). */
  static async start(keycloak: KeycloakStandIn): Promise<CredentialForge> {
    const genuine = {} as Record<User, string>;
    for (const user of USERS) genuine[user] = await keycloak.tokenFor(user);
    const admin: JWTPayload = keycloak.accessClaims({ username: 'alice' });
    const forged: Record<Forgery, string> = {
      'alg-none': forgeAlgNone(admin),
      'hs256-public-key': await forgeHs256WithPublicKey(keycloak, admin),
      'foreign-key': await forgeWithForeignKey(keycloak, admin),
      'role-tampered': tamperPayload(genuine.carol, { resource_access: admin.resource_access }),
    };
    return new CredentialForge(keycloak, genuine, forged);
  }

  /** The Authorization header value, or undefined for none. */
  async header(credential: CredentialCase): Promise<string | undefined> {
    switch (credential.kind) {
      case 'none':
        return undefined;
      case 'garbage':
        return credential.header;
      case 'truncated': {
        const token = this.genuine[credential.user];
        return `Bearer ${token.slice(0, credential.keep % token.length)}`;
      }
      case 'bit-flipped':
        return `Bearer ${flipBit(this.genuine[credential.user], credential)}`;
      case 'odd-claims': {
        const options: MintOptions = { username: credential.user, extra: credential.claims };
        if (credential.kid !== undefined) options.kid = credential.kid;
        return `Bearer ${await this.keycloak.mintAccessToken(options)}`;
      }
      default:
        return `Bearer ${this.forged[credential.kind]}`;
    }
  }
}

/** Flips one bit of one segment's decoded bytes: the token differs whatever base64url allows. */
function flipBit(
  token: string,
  { segment, byte, bit }: { segment: 0 | 1 | 2; byte: number; bit: number },
): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[segment], 'base64url');
  bytes[byte % bytes.length] ^= 1 << bit;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}
