import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { sql } from 'drizzle-orm';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { openDatabase } from '../src/database/open-database.js';
import { DATABASE_CONNECTION } from '../src/database/database.service.js';
import { ADAPTERS } from './support/adapters.js';
import { freePort } from './support/child-app.js';
import { createTestApp } from './support/test-app.js';

/** Set by `npm run test:postgres`: the same suite then runs against a real PostgreSQL. */
const POSTGRES_URL = process.env.TEST_DATABASE_URL;
const KIND = POSTGRES_URL ? 'PostgreSQL' : 'PGlite';

describe.each(ADAPTERS)(`%s: the items database (${KIND})`, (adapter) => {
  let keycloak: KeycloakStandIn;
  let alice: string;
  let folder: string;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    alice = await keycloak.tokenFor('alice');
  });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'items-db-'));
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  afterAll(async () => {
    await keycloak.stop();
  });

  /** An app on this test's database: the PGlite folder, or TEST_DATABASE_URL. */
  async function start(env: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createTestApp(keycloak, {
      adapter,
      env: { PGLITE_DATA_DIR: folder, ...env },
    });
    apps.push(app);
    return app;
  }

  const as = (app: INestApplication) => ({
    get: (path: string) =>
      request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${alice}`),
    post: (path: string) =>
      request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${alice}`),
  });

  it('keeps items across a restart', async () => {
    const first = await start();
    const { body: item } = await as(first).post('/items').send({ name: 'durable' }).expect(201);
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const second = await start();
    expect(
      (
        await as(second)
          .get(`/items/${(item as { id: number }).id}`)
          .expect(200)
      ).body,
    ).toEqual(item);
  });

  if (POSTGRES_URL) {
    it("lets two instances on one database see each other's writes", async () => {
      const [one, two] = [await start(), await start()];
      const { body: item } = await as(one).post('/items').send({ name: 'shared' }).expect(201);
      const id = (item as { id: number }).id;
      expect((await as(two).get(`/items/${id}`).expect(200)).body).toEqual(item);
      const { body: other } = await as(two).post('/items').send({ name: 'from two' }).expect(201);
      const { body: page } = await as(one)
        .get(`/items?after=${id - 1}`)
        .expect(200);
      expect((page as Array<{ id: number }>).map((row) => row.id)).toEqual([
        id,
        (other as { id: number }).id,
      ]);
    });
  } else {
    it('refuses a second instance on the same embedded folder, naming it', async () => {
      await start();
      await expect(start()).rejects.toThrow(
        `The embedded database at ${folder} is in use by process ${process.pid}`,
      );
    });
  }

  describe('when the database cannot be reached', () => {
    let app: INestApplication;
    let url: string;

    beforeEach(async () => {
      url = `postgres://nobody:secret-pw@127.0.0.1:${await freePort()}/nothing`;
      app = await start({ DATABASE_URL: url, DATABASE_TIMEOUT_MS: '500' });
    });

    it('still starts, and item routes answer 503 with Retry-After and no driver text', async () => {
      const response = await as(app).get('/items').expect(503);
      expect(response.body).toEqual({
        statusCode: 503,
        message: 'Database unavailable',
        error: 'Service Unavailable',
      });
      expect(response.headers['retry-after']).toBe('5');
      await as(app).post('/items').send({ name: 'x' }).expect(503);
    });

    it('/health/ready answers 503 naming the database, without its credentials', async () => {
      const { body } = await request(app.getHttpServer()).get('/health/ready').expect(503);
      const port = new URL(url).port;
      expect(body).toMatchObject({
        message: `Not ready: database cannot reach PostgreSQL at 127.0.0.1:${port}/nothing`,
      });
      expect(JSON.stringify(body)).not.toContain('secret-pw');
      await request(app.getHttpServer()).get('/health').expect(200);
    });
  });

  it('answers 503 once the database goes away under a running app', async () => {
    const app = await start();
    await as(app).post('/items').send({ name: 'before' }).expect(201);
    await app.get<DatabaseConnection>(DATABASE_CONNECTION).close();
    const response = await as(app).get('/items').expect(503);
    expect(response.body).toMatchObject({ message: 'Database unavailable' });
    expect(response.headers['retry-after']).toBe('5');
    await request(app.getHttpServer()).get('/health/ready').expect(503);
  });
});

describe(`migrations (${KIND})`, () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'items-migrate-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('apply once, whoever starts first: concurrent runs leave one record per migration', async () => {
    const open = () =>
      openDatabase(
        POSTGRES_URL
          ? { kind: 'postgres', url: POSTGRES_URL, poolMax: 2, timeoutMs: 5000 }
          : { kind: 'pglite', dataDir: folder, timeoutMs: 5000 },
      );
    // PGlite allows one process per folder, so its "replicas" take turns on one connection.
    const first = await open();
    const second = POSTGRES_URL ? await open() : first;
    try {
      await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
      const rows = await first.db.execute(
        sql`select count(*)::int as n, count(distinct hash)::int as d from drizzle.__drizzle_migrations`,
      );
      const [{ n, d }] = (rows as { rows: Array<{ n: number; d: number }> }).rows;
      expect(n).toBe(d);
      expect(n).toBeGreaterThanOrEqual(1);
    } finally {
      await first.close();
      if (second !== first) await second.close();
    }
  });
});
