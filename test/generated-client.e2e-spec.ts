import type { INestApplication } from '@nestjs/common';
import createClient, { type Client } from 'openapi-fetch';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import type { paths } from '../examples/spa/api.js';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

type Api = Client<paths>;

/**
 * The client an SPA team generates from openapi.json (openapi-typescript types, openapi-fetch)
 * against the running API: the calls below compile only while the contract has these routes,
 * parameters and bodies (`npm run lint` type-checks this file), and the answers they read are
 * the ones the API really sends.
 */
describe.each(ADAPTERS)('%s: the generated client against the API', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const clients = {} as Record<'alice' | 'bob' | 'dave', Api>;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, { adapter });
    await app.listen(0, '127.0.0.1');
    const baseUrl = await app.getUrl();
    for (const user of ['alice', 'bob', 'dave'] as const) {
      const token = await keycloak.tokenFor(user);
      clients[user] = createClient<paths>({
        baseUrl,
        headers: { authorization: `Bearer ${token}` },
      });
    }
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it('creates, reads and renames with If-Match; a stale ETag gets the typed 412 body', async () => {
    const created = await clients.dave.POST('/items', { body: { name: 'typed' } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data).toMatchObject({ name: 'typed', version: 1 });

    const read = await clients.dave.GET('/items/{id}', { params: { path: { id } } });
    const etag = read.response.headers.get('etag')!;
    expect(etag).toBe('"1"');

    const renamed = await clients.dave.PATCH('/items/{id}', {
      params: { path: { id }, header: { 'If-Match': etag } },
      body: { name: 'renamed' },
    });
    expect(renamed.response.status).toBe(200);
    expect(renamed.data).toMatchObject({ id, name: 'renamed', version: 2 });
    expect(renamed.response.headers.get('etag')).toBe('"2"');

    const stale = await clients.dave.PATCH('/items/{id}', {
      params: { path: { id }, header: { 'If-Match': etag } },
      body: { name: 'lost update' },
    });
    expect(stale.data).toBeUndefined();
    expect(stale.error).toEqual({
      statusCode: 412,
      error: 'Precondition Failed',
      message: expect.any(String) as string,
    });
  });

  it('pages with limit and after, and reads the Link header', async () => {
    const first = await clients.dave.POST('/items', { body: { name: 'page 1' } });
    await clients.dave.POST('/items', { body: { name: 'page 2' } });
    const page = await clients.dave.GET('/items', {
      params: { query: { limit: 1, after: first.data!.id - 1, owner: 'me' } },
    });
    expect(page.data?.map((item) => item.name)).toEqual(['page 1']);
    expect(page.response.headers.get('link')).toBe(
      `<?limit=1&after=${first.data!.id}&owner=me>; rel="next"`,
    );
  });

  it("refuses dave's rename of alice's item and bob's create with typed 403 bodies", async () => {
    const alices = await clients.alice.POST('/items', { body: { name: "alice's" } });
    const rename = await clients.dave.PATCH('/items/{id}', {
      params: { path: { id: alices.data!.id } },
      body: { name: 'taken' },
    });
    expect(rename.response.status).toBe(403);
    expect(rename.error?.statusCode).toBe(403);

    const create = await clients.bob.POST('/items', { body: { name: 'read only' } });
    expect(create.response.status).toBe(403);
    expect(create.error?.error).toBe('Forbidden');
  });

  it('gets the 400 body for an id the document already forbids at run time', async () => {
    const answer = await clients.alice.GET('/items/{id}', { params: { path: { id: 0 } } });
    expect(answer.response.status).toBe(400);
    expect(answer.error?.statusCode).toBe(400);
  });
});
