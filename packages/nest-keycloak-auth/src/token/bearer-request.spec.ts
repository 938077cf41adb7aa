import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { credentialsOf, type BearerRequest } from './bearer-request.js';

const bearerTokenOf = (request: BearerRequest) => credentialsOf(request, false).token;

const FORM = 'application/x-www-form-urlencoded';

/** An Express-shaped request (Node's message itself) with these raw header pairs. */
function express(pairs: Array<[string, string]>, url = '/me', body?: unknown): BearerRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) headers[name.toLowerCase()] ??= value;
  return { headers, rawHeaders: pairs.flat(), url, body };
}

/** The same, Fastify-shaped: Node's message is `raw`. */
function fastify(pairs: Array<[string, string]>, url = '/me', body?: unknown): BearerRequest {
  const { headers, rawHeaders } = express(pairs, url);
  return { headers, raw: { rawHeaders, url }, url, body };
}

/** The token, or the code of the AuthError thrown. */
function codeOf(request: BearerRequest): string {
  try {
    return bearerTokenOf(request);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

describe.each([
  ['Express', express],
  ['Fastify', fastify],
])('bearerTokenOf (%s request)', (_platform, build) => {
  it('returns the token of one Authorization header', () => {
    expect(codeOf(build([['Authorization', 'Bearer abc']]))).toBe('abc');
  });

  it.each([
    [
      'two Authorization headers',
      [
        ['Authorization', 'Bearer abc'],
        ['authorization', 'Bearer x'],
      ],
    ],
    [
      'a Bearer and a Basic header',
      [
        ['Authorization', 'Bearer abc'],
        ['AUTHORIZATION', 'Basic x'],
      ],
    ],
  ] as Array<[string, Array<[string, string]>]>)(
    'refuses %s as an invalid request',
    (_l, pairs) => {
      expect(codeOf(build(pairs))).toBe(AuthErrorCode.InvalidRequest);
    },
  );

  it.each([['/me?access_token=abc'], ['/me?x=1&access_token=abc'], ['/me?access%5Ftoken=abc']])(
    'refuses a header plus %s',
    (url) => {
      expect(codeOf(build([['Authorization', 'Bearer abc']], url))).toBe(
        AuthErrorCode.InvalidRequest,
      );
    },
  );

  it('refuses two query tokens without a header', () => {
    expect(codeOf(build([], '/me?access_token=a&access_token=b'))).toBe(
      AuthErrorCode.InvalidRequest,
    );
  });

  it('treats one query token alone as no token: the query is not a supported way', () => {
    expect(codeOf(build([], '/me?access_token=abc'))).toBe(AuthErrorCode.MissingToken);
  });

  it('ignores a query parameter that only resembles the name', () => {
    expect(codeOf(build([['Authorization', 'Bearer abc']], '/me?my_access_token=x'))).toBe('abc');
  });

  it('refuses a header plus access_token in a form body', () => {
    const pairs: Array<[string, string]> = [
      ['Authorization', 'Bearer abc'],
      ['Content-Type', FORM],
    ];
    expect(codeOf(build(pairs, '/items', { access_token: 'abc' }))).toBe(
      AuthErrorCode.InvalidRequest,
    );
  });

  it('reads an access_token field of a JSON body as data', () => {
    const pairs: Array<[string, string]> = [
      ['Authorization', 'Bearer abc'],
      ['Content-Type', 'application/json'],
    ];
    expect(codeOf(build(pairs, '/items', { access_token: 'abc' }))).toBe('abc');
  });
});

it('counts the parsed header when no raw headers are known (a hand-built request)', () => {
  expect(bearerTokenOf({ headers: { authorization: 'Bearer abc' } })).toBe('abc');
  expect(() => bearerTokenOf({ headers: {} })).toThrow(AuthError);
});
