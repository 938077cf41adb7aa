import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/**
 * The items feature on its database: paging, the owner rule, ETag/If-Match. Runs on PGlite in
 * memory in `npm test`, and on a real PostgreSQL in `npm run test:postgres` (TEST_DATABASE_URL),
 * where earlier runs' rows remain: every assertion is about items this suite created.
 */
describe.each(ADAPTERS)('%s: items on the database', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  let daveSub: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, { adapter });
    for (const user of ['alice', 'bob', 'carol', 'dave'] as const) {
      tokens[user] = await keycloak.tokenFor(user);
    }
    daveSub = ((await as('dave').get('/me').expect(200)).body as { sub: string }).sub;
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  /** supertest with the user's token on every request. */
  function as(user: string) {
    const agent = request(app.getHttpServer());
    const auth = (test: request.Test) => test.set('Authorization', `Bearer ${tokens[user]}`);
    return {
      get: (path: string) => auth(agent.get(path)),
      post: (path: string) => auth(agent.post(path)),
      patch: (path: string) => auth(agent.patch(path)),
      delete: (path: string) => auth(agent.delete(path)),
    };
  }

  interface Item {
    id: number;
    name: string;
    owner: string;
    version: number;
    createdAt: string;
    updatedAt: string;
  }

  async function create(user: string, name: string): Promise<Item> {
    return (await as(user).post('/items').send({ name }).expect(201)).body as Item;
  }

  describe('GET /items pages by keyset', () => {
    it('follows rel="next" links until the last page, each item once, in id order', async () => {
      const mine = [] as Item[];
      for (let n = 0; n < 5; n++) mine.push(await create('dave', `page ${n}`));
      const start = mine[0].id > 1 ? `&after=${mine[0].id - 1}` : '';
      let next: string | undefined = `/items?limit=2&owner=me${start}`;
      const seen: number[] = [];
      const pageSizes: number[] = [];
      while (next) {
        const response = await as('dave').get(next).expect(200);
        const page = response.body as Item[];
        pageSizes.push(page.length);
        seen.push(...page.map((item) => item.id));
        const link = response.headers.link as string | undefined;
        next = link && `/items${/^<([^>]+)>; rel="next"$/.exec(link)![1]}`;
      }
      expect(seen).toEqual(mine.map((item) => item.id));
      expect(pageSizes).toEqual([2, 2, 1]);
    });

    it('sends no Link header when the page holds the rest', async () => {
      const item = await create('dave', 'last one');
      const response = await as('dave')
        .get(`/items?after=${item.id - 1}&owner=me`)
        .expect(200);
      expect(response.body).toEqual([item]);
      expect(response.headers.link).toBeUndefined();
    });

    it('defaults to 50 items a page', async () => {
      const first = await create('alice', 'bulk 0');
      for (let n = 1; n < 51; n++) await create('alice', `bulk ${n}`);
      const response = await as('bob')
        .get(`/items?after=${first.id - 1}`)
        .expect(200);
      expect((response.body as Item[]).length).toBe(50);
      expect(response.headers.link).toBe(
        `<?limit=50&after=${(response.body as Item[])[49].id}>; rel="next"`,
      );
    });

    it("?owner=me keeps to the caller's items", async () => {
      const daves = await create('dave', 'owned by dave');
      const alices = await create('alice', 'owned by alice');
      const { body } = await as('alice')
        .get(`/items?owner=me&after=${daves.id - 1}`)
        .expect(200);
      expect((body as Item[]).map((item) => item.id)).toEqual([alices.id]);
    });

    it.each([
      ['limit=0', 'limit must be a whole number from 1 to 100'],
      ['limit=101', 'limit must be a whole number from 1 to 100'],
      ['limit=abc', 'limit must be a whole number from 1 to 100'],
      ['limit=1e1', 'limit must be a whole number from 1 to 100'],
      ['limit=1&limit=2', 'limit must be a whole number from 1 to 100'],
      ['after=0', 'after must be a positive whole number (the id of the last item received)'],
      ['after=-1', 'after must be a positive whole number (the id of the last item received)'],
      ['after=x', 'after must be a positive whole number (the id of the last item received)'],
      ['owner=you', "owner must be 'me'"],
      ['sort=name', 'property sort should not exist'],
    ])('refuses ?%s with 400 and a fixed message', async (query, message) => {
      const { body } = await as('bob').get(`/items?${query}`).expect(400);
      expect(body).toEqual({ statusCode: 400, message: [message], error: 'Bad Request' });
    });
  });

  describe('PATCH /items/:id: the owner rule', () => {
    it('lets dave rename his own item, with a new version and updatedAt', async () => {
      const item = await create('dave', 'before');
      const { body } = await as('dave')
        .patch(`/items/${item.id}`)
        .send({ name: '  after  ' })
        .expect(200);
      expect(body).toEqual({
        ...item,
        name: 'after',
        version: 2,
        updatedAt: expect.any(String) as unknown,
      });
      expect(Date.parse((body as Item).updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(item.updatedAt),
      );
      expect((body as Item).owner).toBe(daveSub);
    });

    it("refuses dave on alice's item with 403 naming the rule, and leaves it unchanged", async () => {
      const item = await create('alice', "alice's");
      const response = await as('dave').patch(`/items/${item.id}`).send({ name: 'x' }).expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        message: 'Only the owner or a holder of api-admin may do this',
        error: 'Forbidden',
      });
      expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect((await as('bob').get(`/items/${item.id}`).expect(200)).body).toEqual(item);
    });

    it("lets alice (api-admin) rename dave's item", async () => {
      const item = await create('dave', "dave's");
      await as('alice').patch(`/items/${item.id}`).send({ name: 'renamed by alice' }).expect(200);
    });

    it('refuses an owner without api-write: bob owns the item but holds api-read only', async () => {
      const bobWriter = await keycloak.mintAccessToken({
        username: 'bob',
        clientRoles: ['api-read', 'api-write'],
      });
      const { body: item } = await request(app.getHttpServer())
        .post('/items')
        .set('Authorization', `Bearer ${bobWriter}`)
        .send({ name: "bob's" })
        .expect(201);
      await as('bob')
        .patch(`/items/${(item as Item).id}`)
        .send({ name: 'x' })
        .expect(403, { statusCode: 403, message: 'Insufficient permissions', error: 'Forbidden' });
      await request(app.getHttpServer())
        .patch(`/items/${(item as Item).id}`)
        .set('Authorization', `Bearer ${bobWriter}`)
        .send({ name: 'x' })
        .expect(200);
    });

    it('answers 404 for an unknown id, to the admin and to an api-write holder alike', async () => {
      await as('dave').patch('/items/999999999').send({ name: 'x' }).expect(404);
      await as('alice').patch('/items/999999999').send({ name: 'x' }).expect(404);
    });

    it.each(['0', 'abc', '1.5', '99999999999999999999'])(
      'answers id %p with 400, before the owner is looked up',
      async (id) => {
        for (const user of ['dave', 'alice']) {
          const { body } = await as(user).patch(`/items/${id}`).send({ name: 'x' }).expect(400);
          expect(body).toMatchObject({ message: 'id must be a positive whole number' });
        }
      },
    );

    it.each([
      ['an empty name', { name: '' }],
      ['a 101-character name', { name: 'x'.repeat(101) }],
      ['an unknown property', { name: 'ok', owner: 'someone-else' }],
    ])('refuses %s with 400', async (_label, payload) => {
      const item = await create('dave', 'body checks');
      await as('dave').patch(`/items/${item.id}`).send(payload).expect(400);
    });
  });

  describe('ETag and If-Match', () => {
    it('GET sends the version as a strong ETag; PATCH sends the new one', async () => {
      const item = await create('dave', 'tagged');
      const read = await as('bob').get(`/items/${item.id}`).expect(200);
      expect(read.headers.etag).toBe('"1"');
      const renamed = await as('dave')
        .patch(`/items/${item.id}`)
        .set('If-Match', '"1"')
        .send({ name: 'tagged 2' })
        .expect(200);
      expect(renamed.headers.etag).toBe('"2"');
    });

    it('refuses a stale If-Match with 412 and keeps the newer name', async () => {
      const item = await create('dave', 'v1');
      await as('dave').patch(`/items/${item.id}`).set('If-Match', '"1"').send({ name: 'v2' });
      const { body } = await as('dave')
        .patch(`/items/${item.id}`)
        .set('If-Match', '"1"')
        .send({ name: 'lost update' })
        .expect(412);
      expect(body).toEqual({
        statusCode: 412,
        message: `Item ${item.id} has changed since the version given in If-Match; fetch it again`,
        error: 'Precondition Failed',
      });
      expect((await as('bob').get(`/items/${item.id}`).expect(200)).body).toMatchObject({
        name: 'v2',
        version: 2,
      });
    });

    it.each([
      ['*', 200],
      ['"7", "1"', 200],
      ['W/"1"', 412],
      ['"2"', 412],
    ])('If-Match %s on version 1 → %i', async (header, status) => {
      const item = await create('dave', 'conditional');
      await as('dave')
        .patch(`/items/${item.id}`)
        .set('If-Match', header)
        .send({ name: 'changed' })
        .expect(status);
    });

    it('answers a weak If-Match of the current version 412 saying weak tags never match', async () => {
      const item = await create('dave', 'weak');
      const { body } = await as('dave')
        .patch(`/items/${item.id}`)
        .set('If-Match', 'W/"1"')
        .send({ name: 'weakly' })
        .expect(412);
      expect(body).toEqual({
        statusCode: 412,
        message:
          'If-Match takes strong entity tags only (RFC 9110): send the ETag as received, e.g. "3", not W/"3"',
        error: 'Precondition Failed',
      });
    });

    it.each(['1', 'abc', '"1', '"x"'])('refuses If-Match %p with 400', async (header) => {
      const item = await create('dave', 'bad header');
      const { body } = await as('dave')
        .patch(`/items/${item.id}`)
        .set('If-Match', header)
        .send({ name: 'x' })
        .expect(400);
      expect(body).toMatchObject({ message: 'If-Match must be * or entity tags such as "3"' });
    });

    it('of two concurrent renames with the same If-Match, exactly one succeeds', async () => {
      const item = await create('dave', 'race');
      const rename = (name: string) =>
        as('dave').patch(`/items/${item.id}`).set('If-Match', '"1"').send({ name });
      const responses = await Promise.all([rename('left'), rename('right')]);
      expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
      const winner = responses.find((response) => response.status === 200)!.body as Item;
      expect((await as('bob').get(`/items/${item.id}`).expect(200)).body).toEqual(winner);
      expect(winner.version).toBe(2);
    });
  });

  it('DELETE stays api-admin: dave cannot delete even his own item', async () => {
    const item = await create('dave', 'keep me');
    await as('dave').delete(`/items/${item.id}`).expect(403);
    await as('alice').delete(`/items/${item.id}`).expect(204);
  });

  // Issue 24: these reached the database and answered 500 (PostgreSQL refuses the byte 0x00).
  describe('control characters', () => {
    const CONTROL = 'name must not contain control characters';

    it.each(['\u0000', 'a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b'])(
      'POST and PATCH refuse name %j with 400, and store nothing',
      async (name) => {
        const item = await create('dave', 'unchanged');
        const created = await as('alice').post('/items').send({ name }).expect(400);
        expect(created.body).toMatchObject({ message: [CONTROL] });
        const renamed = await as('dave').patch(`/items/${item.id}`).send({ name }).expect(400);
        expect(renamed.body).toMatchObject({ message: [CONTROL] });
        expect((await as('dave').get(`/items/${item.id}`).expect(200)).body).toMatchObject({
          name: 'unchanged',
          version: 1,
        });
      },
    );

    it('accepts the nearest allowed names: U+00A0, other scripts, emoji', async () => {
      for (const name of ['a\u00a0b', 'a 日本 😀']) {
        expect((await create('dave', name)).name).toBe(name);
      }
    });

    it('PATCH of a missing id with a NUL name is a 400: the body is validated before the lookup', async () => {
      const { body } = await as('alice')
        .patch('/items/999999999')
        .send({ name: 'a\u0000b' })
        .expect(400);
      expect(body).toMatchObject({ message: [CONTROL] });
    });

    it('a correctly signed token whose sub holds NUL is refused 401 invalid_token', async () => {
      const token = await keycloak.tokenFor('alice', { sub: 'alice\u0000' });
      const auth = `Bearer ${token}`;
      const server = app.getHttpServer();
      const posted = await request(server).post('/items').set('Authorization', auth).send({
        name: 'x',
      });
      const listed = await request(server).get('/items?owner=me').set('Authorization', auth);
      for (const response of [posted, listed]) {
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      }
    });
  });
});
