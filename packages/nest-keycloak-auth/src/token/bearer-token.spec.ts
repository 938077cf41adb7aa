import { MAX_AUTHORIZATION_HEADER_BYTES } from '../auth.constants.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { extractCredentials } from './bearer-token.js';

/** The token of a Bearer (or, with `dpop`, DPoP) header. */
const extractBearerToken = (header: string | string[] | undefined, dpop = false) =>
  extractCredentials(header, dpop).token;

/** The AuthError code thrown by `extractBearerToken(header)`, or undefined when it returns. */
function codeOf(header: string | string[] | undefined): AuthErrorCode | undefined {
  try {
    extractBearerToken(header);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

const JWT_LIKE = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

describe('extractCredentials', () => {
  it('reads the DPoP scheme only when DPoP is accepted, and says which scheme came', () => {
    expect(extractCredentials('DPoP abc', true)).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(extractCredentials('dpop abc', true)).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(extractCredentials('Bearer abc', true)).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(codeOf('DPoP abc')).toBe(AuthErrorCode.MissingToken);
    expect(() => extractCredentials('DPoP a b', true)).toThrow(AuthErrorCode.MalformedToken);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    [`Bearer ${JWT_LIKE}`, JWT_LIKE],
    ['Bearer a-b_c.d~e+f/g==', 'a-b_c.d~e+f/g=='],
    ['Bearer   abc  ', 'abc'],
  ])('accepts %p and returns the token', (header, token) => {
    expect(extractBearerToken(header)).toBe(token);
  });

  it.each<[string, string | string[] | undefined]>([
    ['undefined header', undefined],
    ['empty header', ''],
    ['array header', ['Bearer abc', 'Bearer def']],
    ['Basic scheme', 'Basic abc'],
    ['scheme glued to the token', 'Bearerabc'],
    ['Digest scheme', 'Digest username="u"'],
  ])('refuses a %s as a missing token', (_label, header) => {
    expect(codeOf(header)).toBe(AuthErrorCode.MissingToken);
  });

  it.each([
    ['bare scheme', 'Bearer'],
    ['scheme and a space', 'Bearer '],
    ['two tokens', 'Bearer a b'],
    ['a comma', 'Bearer a,b'],
    ['a quote', 'Bearer "abc"'],
    ['padding in the middle', 'Bearer ab=c'],
    ['a non-ASCII character', 'Bearer abcé'],
    ['a tab inside the token', 'Bearer a\tb'],
    ['a line break after the token', 'Bearer abc\n'],
  ])('refuses a bearer header with %s as malformed', (_label, header) => {
    expect(codeOf(header)).toBe(AuthErrorCode.MalformedToken);
  });

  it('accepts a header of exactly 8 KiB', () => {
    const header = `Bearer ${'a'.repeat(MAX_AUTHORIZATION_HEADER_BYTES - 'Bearer '.length)}`;
    expect(header).toHaveLength(8 * 1024);
    expect(extractBearerToken(header)).toHaveLength(8 * 1024 - 'Bearer '.length);
  });

  it('refuses a header one byte over 8 KiB as malformed', () => {
    const header = `Bearer ${'a'.repeat(MAX_AUTHORIZATION_HEADER_BYTES - 'Bearer '.length + 1)}`;
    expect(codeOf(header)).toBe(AuthErrorCode.MalformedToken);
  });

  it('refuses a much larger bearer header as malformed', () => {
    expect(codeOf(`Bearer ${'a'.repeat(64 * 1024)}`)).toBe(AuthErrorCode.MalformedToken);
  });
});
