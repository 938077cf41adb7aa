import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { checkIdentifierClaims, MAX_IDENTIFIER_LENGTH } from './identifier-claims.js';

const UUID = '5c1f0d5e-3a57-4b8e-9d59-0e3f6a1f8b21';

/** What checking `claims` gives: 'accepted' or the refusal's code. */
function outcome(claims: JWTPayload): string {
  try {
    checkIdentifierClaims(claims);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

const REFUSED = AuthErrorCode.InvalidClaims;
const LONGEST = 'x'.repeat(MAX_IDENTIFIER_LENGTH);
const TOO_LONG = 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1);

describe('checkIdentifierClaims', () => {
  // Each rule as a pair: the nearest acceptable value, then the refused one.
  it.each<[string, string, JWTPayload]>([
    ['a UUID sub', 'accepted', { sub: UUID }],
    ['no sub', REFUSED, {}],
    ['a non-empty sub', 'accepted', { sub: 'a' }],
    ['an empty sub', REFUSED, { sub: '' }],
    ['a sub of 255 characters', 'accepted', { sub: LONGEST }],
    ['a sub of 256 characters', REFUSED, { sub: TOO_LONG }],
    ['a sub with a space and non-ASCII letters', 'accepted', { sub: 'a b é 日本' }],
    ['a sub with NUL', REFUSED, { sub: 'a\u0000b' }],
    ['a sub with a line feed', REFUSED, { sub: 'a\nb' }],
    ['a sub with DEL', REFUSED, { sub: 'a\u007fb' }],
    ['a sub with a C1 control (U+0085)', REFUSED, { sub: 'a\u0085b' }],
    ['a sub with U+00A0 (after the C1 range)', 'accepted', { sub: 'a\u00a0b' }],
    ['a numeric sub', REFUSED, { sub: 42 as unknown as string }],
    ['a string sid', 'accepted', { sub: UUID, sid: UUID }],
    ['a sid with a carriage return', REFUSED, { sub: UUID, sid: 'a\rb' }],
    ['a string azp', 'accepted', { sub: UUID, azp: 'nest-api-web' }],
    ['a numeric azp', REFUSED, { sub: UUID, azp: 7 }],
    ['an azp of 256 characters', REFUSED, { sub: UUID, azp: TOO_LONG }],
    ['organization aliases', 'accepted', { sub: UUID, organization: ['acme', 'globex'] }],
    ['an alias with NUL', REFUSED, { sub: UUID, organization: ['acme', 'ev\u0000l'] }],
    ['an alias key with an id', 'accepted', { sub: UUID, organization: { acme: { id: UUID } } }],
    ['an alias key with a tab', REFUSED, { sub: UUID, organization: { 'ac\tme': {} } }],
    ['an organization id with NUL', REFUSED, { sub: UUID, organization: { acme: { id: '\0' } } }],
    ['entries the principal ignores', 'accepted', { sub: UUID, organization: ['', 3, null] }],
  ])('%s → %s', (_name, expected, claims) => {
    expect(outcome(claims)).toBe(expected);
  });
});
