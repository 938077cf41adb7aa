import type { INestApplication } from '@nestjs/common';
import { ADAPTERS } from '../support/adapters.js';
import { call, startApp } from './support/api.js';
import {
  KeycloakAdmin,
  UndoStack,
  headerOf,
  publishedKids,
  uniqueName,
  userTokens,
} from './support/keycloak.js';

/**
 * A new RS256 key with a higher priority is added to realm demo while the app runs: Keycloak
 * signs new tokens with it at once and keeps publishing the old key. The app, which loaded
 * the JWKS at start-up, must fetch the keys again on the unknown kid and accept both.
 * The key provider is removed in afterAll (Keycloak then signs with the original key again).
 */
describe.each(ADAPTERS)('signing key rotation (real Keycloak) on %s', (adapter) => {
  let app: INestApplication;
  let admin: KeycloakAdmin;
  const undo = new UndoStack();
  let oldToken: string;
  let oldKid: string;
  let newKid: string;

  beforeAll(async () => {
    admin = await KeycloakAdmin.connect();
    // Started BEFORE the rotation. The verified-token cache is off, so every request really
    // resolves its key; the JWKS cooldown keeps its default (a first miss fetches at once).
    app = await startApp(adapter, { TOKEN_CACHE_MAX_ENTRIES: '0' });
    oldToken = (await userTokens('alice')).access_token;
    oldKid = headerOf(oldToken).kid!;
    await call(app, 'GET', '/items', oldToken).expect(200);

    const componentId = await admin.create('/demo/components', {
      name: uniqueName('rotation'),
      providerId: 'rsa-generated',
      providerType: 'org.keycloak.keys.KeyProvider',
      parentId: await admin.realmId(),
      config: {
        priority: ['200'],
        enabled: ['true'],
        active: ['true'],
        algorithm: ['RS256'],
        keySize: ['2048'],
      },
    });
    undo.push(`delete key provider ${componentId}`, () =>
      admin.call('DELETE', `/demo/components/${componentId}`),
    );
    const keys = await admin.keys();
    newKid = keys.keys.find((key) => key.providerId === componentId)!.kid;
  });

  afterAll(async () => {
    await app?.close();
    await undo.runAll();
  });

  it('Keycloak signs with the new key and still publishes the old one', async () => {
    expect(newKid).toEqual(expect.any(String));
    expect(newKid).not.toBe(oldKid);
    expect((await admin.keys()).active.RS256).toBe(newKid);
    expect(await publishedKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
  });

  it('accepts a token signed with the new key (JWKS refetched on the unknown kid)', async () => {
    const fresh = (await userTokens('alice')).access_token;
    expect(headerOf(fresh).kid).toBe(newKid);
    expect(headerOf(fresh).kid).not.toBe(oldKid);
    await call(app, 'GET', '/items', fresh).expect(200);
    await call(app, 'POST', '/items', fresh).send({ name: 'after rotation' }).expect(201);
    const published = await publishedKids();
    await call(app, 'GET', '/health/ready').expect(200, {
      status: 'ready',
      keys: published.length,
      database: 'up',
    });
  });

  it('still accepts the token signed with the old key before the rotation', async () => {
    expect(headerOf(oldToken).kid).toBe(oldKid);
    await call(app, 'GET', '/items', oldToken).expect(200);
    await call(app, 'GET', '/me', oldToken).expect(200);
  });

  it('still refuses by role with the new key: bob cannot create', async () => {
    const bob = (await userTokens('bob')).access_token;
    expect(headerOf(bob).kid).toBe(newKid);
    await call(app, 'GET', '/items', bob).expect(200);
    await call(app, 'POST', '/items', bob).send({ name: 'nope' }).expect(403);
  });
});
