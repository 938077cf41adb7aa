import { HttpStatus } from '@nestjs/common';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import {
  challengesFor,
  toHttpResponse,
  wwwAuthenticate,
  type AuthHttpResponse,
} from './auth-error.mapping.js';

const INVALID = 'invalid_token';

/** Every code, with the answer it must give (InsufficientRoles without missingRoles). */
const TABLE: Array<[AuthErrorCode, HttpStatus, string, AuthHttpResponse['bearerError']]> = [
  [AuthErrorCode.MissingToken, 401, 'Missing bearer token', undefined],
  [AuthErrorCode.InvalidRequest, 400, 'Bearer token sent more than once', 'invalid_request'],
  [AuthErrorCode.MalformedToken, 401, 'Invalid token', INVALID],
  [AuthErrorCode.Expired, 401, 'Token has expired', INVALID],
  [AuthErrorCode.NotYetValid, 401, 'Token is not yet valid', INVALID],
  [AuthErrorCode.InvalidAudience, 401, 'Invalid token audience', INVALID],
  [AuthErrorCode.InvalidIssuer, 401, 'Invalid token issuer', INVALID],
  [AuthErrorCode.InvalidSignature, 401, 'Invalid token', INVALID],
  [AuthErrorCode.UnknownKey, 401, 'Invalid token', INVALID],
  [AuthErrorCode.WrongTokenType, 401, 'Invalid token', INVALID],
  [AuthErrorCode.InvalidClaims, 401, 'Invalid token', INVALID],
  [AuthErrorCode.InvalidToken, 401, 'Invalid token', INVALID],
  [AuthErrorCode.Inactive, 401, 'Token is no longer active', INVALID],
  [AuthErrorCode.Revoked, 401, 'Token is no longer active', INVALID],
  [AuthErrorCode.InsufficientRoles, 403, 'Insufficient permissions', 'insufficient_scope'],
  [AuthErrorCode.InsufficientScope, 403, 'Insufficient scope', 'insufficient_scope'],
  [AuthErrorCode.NotOwner, 403, 'Only the owner may do this', 'insufficient_scope'],
  [
    AuthErrorCode.NotOrganizationMember,
    403,
    'Not a member of this organization',
    'insufficient_scope',
  ],
  [AuthErrorCode.OrganizationMissing, 400, 'Organization not named', undefined],
  [
    AuthErrorCode.RealmNotAllowed,
    403,
    "Tokens of this token's realm may not call this route",
    'insufficient_scope',
  ],
  [AuthErrorCode.KeysUnavailable, 503, 'Token verification unavailable', undefined],
  [AuthErrorCode.IssuerMismatch, 503, 'Token verification unavailable', undefined],
  [AuthErrorCode.TooManyFailures, 429, 'Too many failed authentications', undefined],
  [AuthErrorCode.PermissionDenied, 403, 'Permission denied', 'insufficient_scope'],
  [AuthErrorCode.UnknownPermission, 403, 'Permission denied', 'insufficient_scope'],
  [AuthErrorCode.AuthorizationUnavailable, 503, 'Authorization decision unavailable', undefined],
  [
    AuthErrorCode.IntrospectionUnavailable,
    502,
    'Failed to reach Keycloak introspection endpoint',
    undefined,
  ],
  [
    AuthErrorCode.ClientCredentialsRefused,
    502,
    "Keycloak refused this API's client credentials",
    undefined,
  ],
  [AuthErrorCode.InvalidDpopProof, 401, 'The DPoP proof is not a signed JWT', 'invalid_dpop_proof'],
  [
    AuthErrorCode.BoundTokenAsBearer,
    401,
    'A DPoP-bound token must be sent with the DPoP scheme',
    'invalid_token',
  ],
  [
    AuthErrorCode.UnboundTokenAsDpop,
    401,
    'The token is not DPoP-bound: send it with the Bearer scheme',
    'invalid_token',
  ],
  [AuthErrorCode.DpopRequired, 401, 'A DPoP-bound token is required', 'invalid_token'],
  [
    AuthErrorCode.PermissionNeedsBearer,
    403,
    "Keycloak's permission decisions do not accept DPoP-bound tokens: use a Bearer token here",
    'insufficient_scope',
  ],
  [
    AuthErrorCode.BoundTokenOnSocket,
    401,
    'A DPoP-bound token cannot open a WebSocket: use a Bearer token',
    'invalid_token',
  ],
  [AuthErrorCode.TooManySockets, 429, 'Too many open WebSockets', undefined],
  [AuthErrorCode.TooManyMessages, 429, 'Too many messages: slow down', undefined],
];

describe('toHttpResponse', () => {
  it('covers every AuthErrorCode exactly once', () => {
    expect(TABLE.map(([code]) => code).sort()).toEqual(Object.values(AuthErrorCode).sort());
  });

  it.each(TABLE)('maps %s to %i %p (bearer error %p)', (code, status, message, bearerError) => {
    const answer = toHttpResponse(new AuthError(code));
    expect(answer.status).toBe(status);
    expect(answer.message).toBe(message);
    expect(answer.bearerError).toBe(bearerError);
  });

  const RETRYABLE: AuthErrorCode[] = [
    AuthErrorCode.KeysUnavailable,
    AuthErrorCode.IssuerMismatch,
    AuthErrorCode.TooManyFailures,
    AuthErrorCode.AuthorizationUnavailable,
  ];
  it.each(TABLE.filter(([code]) => !RETRYABLE.includes(code)))(
    'gives %s no Retry-After',
    (code) => {
      expect(toHttpResponse(new AuthError(code)).retryAfterSeconds).toBeUndefined();
    },
  );

  it('names the scopes of a @Scopes refusal in the message and the challenge (RFC 6750 §3)', () => {
    const answer = toHttpResponse(
      new AuthError(AuthErrorCode.InsufficientScope, { requiredScopes: ['admin', 'audit'] }),
    );
    expect(answer).toEqual({
      status: HttpStatus.FORBIDDEN,
      message: 'Missing required scopes: admin, audit',
      bearerError: 'insufficient_scope',
      scope: 'admin audit',
    });
    expect(wwwAuthenticate('demo', answer)).toBe(
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required scopes: admin, audit", scope="admin audit"',
    );
  });

  it('offers the scopes of an @AnyScope refusal, any of which will do', () => {
    const answer = toHttpResponse(
      new AuthError(AuthErrorCode.InsufficientScope, { requiredAnyScopes: ['read', 'write'] }),
    );
    expect(answer).toMatchObject({
      message: 'Requires one scope of: read, write',
      scope: 'read write',
    });
  });

  it('lists the missing roles of a @Roles refusal in the message', () => {
    const answer = toHttpResponse(
      new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles: ['api-write', 'api-admin'] }),
    );
    expect(answer).toEqual({
      status: HttpStatus.FORBIDDEN,
      message: 'Missing required roles: api-write, api-admin',
      bearerError: 'insufficient_scope',
    });
  });

  it('falls back to the generic 403 message for an empty missingRoles list', () => {
    const answer = toHttpResponse(
      new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles: [] }),
    );
    expect(answer.message).toBe('Insufficient permissions');
  });

  it('never puts the kid or other details in the message', () => {
    const answer = toHttpResponse(new AuthError(AuthErrorCode.UnknownKey, { kid: 'secret-kid' }));
    expect(answer.message).toBe('Invalid token');
  });

  describe('503 KeysUnavailable', () => {
    it.each([
      [undefined, 30],
      [12, 12],
      [1, 1],
      [0, 1],
      [-5, 1],
    ])('with retryAfterSeconds %p answers Retry-After %i', (given, expected) => {
      const answer = toHttpResponse(
        new AuthError(AuthErrorCode.KeysUnavailable, { retryAfterSeconds: given }),
      );
      expect(answer.status).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(answer.retryAfterSeconds).toBe(expected);
      expect(answer.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('wwwAuthenticate', () => {
  const header = (error: AuthError, realm = 'demo') =>
    wwwAuthenticate(realm, toHttpResponse(error));

  it('names only the realm when no token was presented', () => {
    expect(header(new AuthError(AuthErrorCode.MissingToken))).toBe('Bearer realm="demo"');
  });

  it.each([
    [AuthErrorCode.Expired, 'Token has expired'],
    [AuthErrorCode.InvalidSignature, 'Invalid token'],
    [AuthErrorCode.InvalidAudience, 'Invalid token audience'],
    [AuthErrorCode.Inactive, 'Token is no longer active'],
    [AuthErrorCode.Revoked, 'Token is no longer active'],
  ])('describes %s as invalid_token: %p', (code, description) => {
    expect(header(new AuthError(code))).toBe(
      `Bearer realm="demo", error="invalid_token", error_description="${description}"`,
    );
  });

  it('describes a role refusal as insufficient_scope', () => {
    expect(
      header(new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles: ['a', 'b'] })),
    ).toBe(
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: a, b"',
    );
  });

  it('drops from error_description every character RFC 6750 section 3 does not allow', () => {
    const error = new AuthError(AuthErrorCode.InsufficientRoles, {
      missingRoles: ['say "hi"', 'back\\slash', 'caf\u00e9', 'tab\there'],
    });
    expect(header(error)).toBe(
      'Bearer realm="demo", error="insufficient_scope", error_description="Missing required roles: say hi, backslash, caf, tabhere"',
    );
  });

  it('keeps every allowed character of error_description as it is', () => {
    const allowed = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
      .filter((c) => c !== '"' && c !== '\\')
      .join('');
    const error = new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles: [allowed] });
    expect(header(error)).toContain(`error_description="Missing required roles: ${allowed}"`);
  });

  it('challenges a 400 invalid_request', () => {
    expect(header(new AuthError(AuthErrorCode.InvalidRequest))).toBe(
      'Bearer realm="demo", error="invalid_request", error_description="Bearer token sent more than once"',
    );
  });

  it('escapes quotes and backslashes in the realm', () => {
    expect(header(new AuthError(AuthErrorCode.MissingToken), 'de"mo\\x')).toBe(
      'Bearer realm="de\\"mo\\\\x"',
    );
  });
});

describe('challengesFor', () => {
  const settings = (dpopMode: 'allowed' | 'required' | 'off') => ({
    realm: 'demo',
    dpopMode,
    dpopAlgorithms: ['ES256', 'PS256'],
  });
  const answerOf = (error: AuthError) => [error, toHttpResponse(error)] as const;

  it('offers both schemes on a 401 while both are accepted, the error on the one presented', () => {
    const [error, answer] = answerOf(new AuthError(AuthErrorCode.Expired));
    const expired = 'error="invalid_token", error_description="Token has expired"';
    expect(challengesFor(settings('allowed'), error, answer, 'Bearer x')).toEqual([
      `Bearer realm="demo", ${expired}`,
      'DPoP algs="ES256 PS256"',
    ]);
    expect(challengesFor(settings('allowed'), error, answer, 'DPoP x')).toEqual([
      'Bearer realm="demo"',
      `DPoP algs="ES256 PS256", ${expired}`,
    ]);
  });

  it('puts a proof failure on the DPoP challenge, and offers DPoP alone when it is required', () => {
    const [proof, proofAnswer] = answerOf(
      new AuthError(AuthErrorCode.InvalidDpopProof, { dpopCheck: 'htu' }),
    );
    expect(challengesFor(settings('allowed'), proof, proofAnswer, 'DPoP x')).toEqual([
      'Bearer realm="demo"',
      'DPoP algs="ES256 PS256", error="invalid_dpop_proof", error_description="The DPoP proof htu does not match the request URL"',
    ]);
    const [required, requiredAnswer] = answerOf(new AuthError(AuthErrorCode.DpopRequired));
    expect(challengesFor(settings('allowed'), required, requiredAnswer, 'Bearer x')).toEqual([
      'DPoP algs="ES256 PS256", error="invalid_token", error_description="A DPoP-bound token is required"',
    ]);
    const [missing, missingAnswer] = answerOf(new AuthError(AuthErrorCode.MissingToken));
    expect(challengesFor(settings('required'), missing, missingAnswer, undefined)).toEqual([
      'DPoP algs="ES256 PS256"',
    ]);
    expect(challengesFor(settings('off'), missing, missingAnswer, undefined)).toEqual([
      'Bearer realm="demo"',
    ]);
  });

  it('answers a 403 on the scheme presented only', () => {
    const [error, answer] = answerOf(new AuthError(AuthErrorCode.InsufficientRoles));
    const refusal = 'error="insufficient_scope", error_description="Insufficient permissions"';
    expect(challengesFor(settings('allowed'), error, answer, 'Bearer x')).toEqual([
      `Bearer realm="demo", ${refusal}`,
    ]);
    expect(challengesFor(settings('allowed'), error, answer, 'DPoP x')).toEqual([
      `DPoP algs="ES256 PS256", ${refusal}`,
    ]);
  });
});
