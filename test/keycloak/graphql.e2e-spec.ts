import type { INestApplication } from '@nestjs/common';
import { graphqlWsClient } from 'nest-keycloak-auth/testing';
import { firstValueFrom, type Observable } from 'rxjs';
import { ItemEvents } from '../../src/items/item-events.js';
import { ADAPTERS } from '../support/adapters.js';
import { graphql, observedEvents, socketUrlOf } from '../support/graphql.js';
import { createTestApp } from '../support/test-app.js';
import { DEMO_USERS, keycloakTarget, userTokens } from './support/keycloak.js';

interface Item {
  id: number;
  name: string;
  owner: string;
}

/**
 * alice and bob through GraphQL with tokens the real Keycloak issued: the global guard and
 * the roles on queries, Keycloak's own items#create decision on createItem, the owner rule on
 * renameItem, REST's 401 for a spoiled token, and a subscription delivering an item.
 */
describe.each(ADAPTERS)('%s: GraphQL against a real Keycloak', (adapter) => {
  let app: INestApplication;
  let alice: string;
  let bob: string;
  let carol: string;
  let subscribed: Observable<void>;

  beforeAll(async () => {
    const observed = observedEvents();
    subscribed = observed.subscribed;
    app = await createTestApp(keycloakTarget(), {
      adapter,
      override: (builder) => builder.overrideProvider(ItemEvents).useValue(observed.events),
    });
    await app.listen(0, '127.0.0.1');
    [alice, bob, carol] = await Promise.all(
      (['alice', 'bob', 'carol'] as const).map(
        async (user) => (await userTokens(user)).access_token,
      ),
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers me and items to bob, and refuses items to carol while answering her me', async () => {
    const { status, body } = await graphql(
      app,
      '{ me { sub username clientRoles } items(limit: 1) { id } }',
      bob,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toEqual({
      sub: DEMO_USERS.bob.id,
      username: 'bob',
      clientRoles: ['api-read'],
    });
    const refused = await graphql(app, '{ me { username } items { id } }', carol);
    expect(refused.body.data).toEqual({ me: { username: 'carol' }, items: null });
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('asks Keycloak about items#create: alice creates and renames, bob is refused', async () => {
    const created = await graphql(
      app,
      'mutation { createItem(name: "kc-e2e graphql") { id name owner } }',
      alice,
    );
    const item = (created.body.data as { createItem: Item }).createItem;
    expect(item).toMatchObject({ name: 'kc-e2e graphql', owner: DEMO_USERS.alice.id });
    const renamed = await graphql(
      app,
      `mutation { renameItem(id: ${item.id}, name: "kc-e2e renamed") { name } }`,
      alice,
    );
    expect(renamed.body.data).toEqual({ renameItem: { name: 'kc-e2e renamed' } });
    const refused = await graphql(app, 'mutation { createItem(name: "x") { id } }', bob);
    expect(refused.body.data).toEqual({ createItem: null });
    expect(refused.body.errors?.[0]).toMatchObject({
      message: 'Permission denied: items#create',
      extensions: { code: 'FORBIDDEN', permissions: ['items#create'] },
    });
  });

  it('answers a spoiled real token with 401 and invalid_token before anything runs', async () => {
    const { status, headers } = await graphql(app, '{ me { sub } }', `${bob.slice(0, -4)}AAAA`);
    expect(status).toBe(401);
    expect(headers['www-authenticate']).toMatch(/^Bearer realm="demo", error="invalid_token"/);
  });

  it('delivers an item alice creates to bob’s subscription, over graphql-ws', async () => {
    const client = await graphqlWsClient(await socketUrlOf(app), bob);
    await client.acknowledged;
    const ready = firstValueFrom(subscribed);
    const delivered = client.subscribe<{ itemCreated: Item }>(
      'subscription { itemCreated { id name owner } }',
    );
    await ready;
    const created = await graphql(
      app,
      'mutation { createItem(name: "kc-e2e live") { id name owner } }',
      alice,
    );
    const item = (created.body.data as { createItem: Item }).createItem;
    expect(await delivered.next()).toEqual({ data: { itemCreated: item } });
    await client.close();
  });
});
