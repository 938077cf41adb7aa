import { toPrincipal } from './principal.js';

const claims = () => ({
  sub: 'user-1',
  exp: 2_000_000_000,
  preferred_username: 'alice',
  scope: 'openid email',
  realm_access: { roles: ['offline_access'] },
  resource_access: { 'nest-api': { roles: ['api-admin'] }, other: { roles: ['x'] } },
  groups: ['/staff'],
});

describe('toPrincipal', () => {
  it('maps Keycloak claims to the typed fields, roles as the union of realm and client roles', () => {
    const principal = toPrincipal(claims(), 'nest-api');
    expect(principal).toMatchObject({
      sub: 'user-1',
      username: 'alice',
      realmRoles: ['offline_access'],
      clientRoles: ['api-admin'],
      scopes: ['openid', 'email'],
    });
    expect([...principal.roles]).toEqual(['offline_access', 'api-admin']);
  });

  it('is frozen to the leaves, so a handler cannot change what the next request sees', () => {
    const principal = toPrincipal(claims(), 'nest-api');
    expect(() => ((principal as { sub: string }).sub = 'mallory')).toThrow(TypeError);
    expect(() => (principal.clientRoles as string[]).push('api-admin')).toThrow(TypeError);
    expect(() => (principal.claims.groups as string[]).push('/admins')).toThrow(TypeError);
    expect(principal.sub).toBe('user-1');
    expect(principal.claims.groups).toEqual(['/staff']);
  });
});
