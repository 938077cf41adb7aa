import { AuthError } from '../errors/auth-error.js';
import { KeycloakStandIn } from './keycloak-stand-in.js';
import { principalsByToken, standInAuthOptions, testPrincipal } from './test-principal.js';

describe('testPrincipal', () => {
  it('builds a frozen principal with realm and client roles in one set', () => {
    const user = testPrincipal({ roles: ['r'], clientRoles: ['c'], scopes: ['a', 'b'] });
    expect(user.sub).toBe('test-user');
    expect([...user.roles].sort()).toEqual(['c', 'r']);
    expect(user.scopes).toEqual(['a', 'b']);
    expect(Object.isFrozen(user)).toBe(true);
    expect(user.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('reads client roles of the named client only', () => {
    const user = testPrincipal({ clientId: 'orders', clientRoles: ['x'] });
    expect(user.clientRoles).toEqual(['x']);
    expect(testPrincipal({ clientRoles: ['x'] }).claims.resource_access).toEqual({
      'nest-api': { roles: ['x'] },
    });
  });
});

describe('principalsByToken', () => {
  it('answers known tokens and refuses others as AuthError', async () => {
    const alice = testPrincipal({ sub: 'alice' });
    const verifier = principalsByToken({ 'alice-token': alice });
    await expect(verifier.verify('alice-token')).resolves.toBe(alice);
    await expect(verifier.verify('other')).rejects.toBeInstanceOf(AuthError);
  });
});

describe('standInAuthOptions', () => {
  it("gives the stand-in's address, realm and client, plus overrides", async () => {
    const keycloak = await KeycloakStandIn.start({ realm: 'r1', clientId: 'c1' });
    try {
      expect(standInAuthOptions(keycloak, { jwksCooldownSeconds: 0 })).toEqual({
        serverUrl: keycloak.url,
        realm: 'r1',
        clientId: 'c1',
        clientSecret: keycloak.clientSecret,
        jwksCooldownSeconds: 0,
      });
    } finally {
      await keycloak.stop();
    }
  });
});
