import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toGraphqlError } from './auth-error.graphql.js';

describe('toGraphqlError', () => {
  it.each([
    [
      new AuthError(AuthErrorCode.MissingToken),
      'Missing bearer token',
      { code: 'UNAUTHENTICATED', status: 401 },
    ],
    [
      new AuthError(AuthErrorCode.Inactive),
      'Token is no longer active',
      { code: 'UNAUTHENTICATED', status: 401 },
    ],
    [
      new AuthError(AuthErrorCode.InsufficientRoles, { missingRoles: ['api-admin'] }),
      'Missing required roles: api-admin',
      { code: 'FORBIDDEN', status: 403, requiredRoles: ['api-admin'] },
    ],
    [
      new AuthError(AuthErrorCode.InsufficientRoles, { requiredAnyRoles: ['a', 'b'] }),
      'Insufficient permissions',
      { code: 'FORBIDDEN', status: 403 },
    ],
    [
      new AuthError(AuthErrorCode.InsufficientScope, { requiredAnyScopes: ['x', 'y'] }),
      'Requires one scope of: x, y',
      { code: 'FORBIDDEN', status: 403, scope: 'x y' },
    ],
    [
      new AuthError(AuthErrorCode.PermissionDenied, { permissions: ['items#create'] }),
      'Permission denied: items#create',
      { code: 'FORBIDDEN', status: 403, permissions: ['items#create'] },
    ],
    [
      new AuthError(AuthErrorCode.OrganizationMissing, { organizationSource: { param: 'org' } }),
      'Organization not named: path parameter org',
      { code: 'BAD_USER_INPUT', status: 400 },
    ],
    [
      new AuthError(AuthErrorCode.AuthorizationUnavailable, { retryAfterSeconds: 7 }),
      'Authorization decision unavailable',
      { code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 7 },
    ],
    [
      new AuthError(AuthErrorCode.IntrospectionUnavailable),
      'Failed to reach Keycloak introspection endpoint',
      { code: 'SERVICE_UNAVAILABLE', status: 502 },
    ],
  ])('maps %s to its REST message and a code', (error, message, extensions) => {
    const refusal = toGraphqlError(error);
    expect(refusal.message).toBe(message);
    expect(refusal.extensions).toEqual(extensions);
  });
});
