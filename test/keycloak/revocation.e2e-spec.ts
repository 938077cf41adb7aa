import type { INestApplication } from '@nestjs/common';
import { ADAPTERS } from '../support/adapters.js';
import { call, expectInvalidToken, newItem, startApp } from './support/api.js';
import {
  KeycloakAdmin,
  claimsOf,
  introspect,
  logoutSession,
  userTokens,
  type TokenSet,
} from './support/keycloak.js';

/**
 * DELETE /items/:id is `@RequireActiveToken()`: the app asks Keycloak's introspection endpoint.
 * A session ended in Keycloak makes its still-unexpired access token inactive there, so the
 * route refuses it, while routes checked locally (signature, exp) keep accepting it.
 * Only the sessions these tests open are ended (never all of alice's sessions).
 */
describe.each(ADAPTERS)('revocation through Keycloak sessions (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  let admin: KeycloakAdmin;

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    // No reuse of `active: true` answers, so an answer cached before the logout cannot mask it.
    app = await startApp(adapter, { INTROSPECTION_CACHE_TTL_SECONDS: '0' });
  });

  afterAll(async () => {
    await app?.close();
  });

  const remove = (id: number, token: string) => call(app, 'DELETE', `/items/${id}`, token);

  async function expectRevoked(tokens: TokenSet): Promise<void> {
    // Keycloak itself now calls the token inactive (precondition, so a failure below is clear).
    expect(await introspect(tokens.access_token)).toMatchObject({ active: false });
    const id = await newItem(app, (await userTokens('alice')).access_token);

    expectInvalidToken(await remove(id, tokens.access_token), 'Token is no longer active');

    // Local validation (no introspection) still accepts it: signature and exp are fine.
    await call(app, 'GET', '/items', tokens.access_token).expect(200);
    await call(app, 'GET', `/items/${id}`, tokens.access_token).expect(200);
  }

  it('deletes with an active token (introspection: active), twice in a row', async () => {
    const tokens = await userTokens('alice');
    await remove(await newItem(app, tokens.access_token), tokens.access_token).expect(204);
    await remove(await newItem(app, tokens.access_token), tokens.access_token).expect(204);
  });

  it('refuses the token with 401 after its session is logged out (OIDC logout endpoint)', async () => {
    const tokens = await userTokens('alice');
    const id = await newItem(app, tokens.access_token);
    await remove(id, tokens.access_token).expect(204); // active, and not remembered (TTL 0)

    await logoutSession(tokens.refresh_token!);

    await expectRevoked(tokens);
  });

  it('refuses the token with 401 after an admin deletes its session (Admin REST API)', async () => {
    const tokens = await userTokens('alice');
    const sid = claimsOf(tokens.access_token).sid as string;
    expect(sid).toEqual(expect.any(String));
    await remove(await newItem(app, tokens.access_token), tokens.access_token).expect(204);

    await admin.call('DELETE', `/demo/sessions/${encodeURIComponent(sid)}`);

    await expectRevoked(tokens);
  });

  it('a new session of the same user deletes again', async () => {
    const old = await userTokens('alice');
    await logoutSession(old.refresh_token!);
    const fresh = await userTokens('alice');
    await remove(await newItem(app, fresh.access_token), fresh.access_token).expect(204);
    expectInvalidToken(
      await remove(await newItem(app, fresh.access_token), old.access_token),
      'Token is no longer active',
    );
  });
});
