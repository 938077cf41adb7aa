/**
 * The API instances of the bench's authentication ratios (cache-on, cache-on-noflags, cache-off,
 * tokens-10k, tokens-100k, fastify): the built app of `dist/` (AppModule with its guards, pipes,
 * filters and controllers, createHttpAdapter, configureApp), started as src/main.ts starts it,
 * with two providers swapped as the e2e tests swap them: ItemsRepository is a fixed, read-only list
 * (bench/items-fixture.ts, the ceiling's `GET /items` body) that does no I/O, and the database
 * connection opens nothing (embedded PGlite's WebAssembly memory, 0.5 GB after an in-memory
 * initdb, would otherwise dominate every RSS figure). So the ratios and the memory targets price
 * what the API adds around a handler, not a database; `dist/main.js` itself runs as the bench's
 * database instances. Run by bench/run.ts as `node dist-bench/bench/api-no-io.js` with PORT and
 * the app's environment; prints the line src/main.ts prints once it listens.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Item } from '../src/items/item.entity.js';
import type { ItemListQuery, ItemPage, ItemsRepository } from '../src/items/items.repository.js';
import { LISTENING_LINE } from '../test/support/child-app.js';
import { BENCH_ITEMS } from './items-fixture.js';

/**
 * The app's compiled modules, from `dist/` as `node dist/main.js` runs them (not a second copy
 * compiled into dist-bench): ItemsRepository must be the very class AppModule provides.
 */
const DIST = new URL('../../dist/', import.meta.url);
const fromDist = async <T>(path: string): Promise<T> =>
  (await import(new URL(path, DIST).href)) as T;

/** ItemsRepository without I/O: BENCH_ITEMS, which nothing changes (remove finds nothing). */
class FixedItemsRepository implements Pick<ItemsRepository, keyof ItemsRepository> {
  list({ limit, after, owner }: ItemListQuery): Promise<ItemPage> {
    const matching = BENCH_ITEMS.filter(
      (item) =>
        (after === undefined || item.id > after) && (owner === undefined || item.owner === owner),
    );
    return Promise.resolve({ items: matching.slice(0, limit), hasMore: matching.length > limit });
  }

  findById(id: number): Promise<Item | undefined> {
    return Promise.resolve(BENCH_ITEMS.find((item) => item.id === id));
  }

  create(): Promise<Item> {
    return Promise.reject(new Error('bench/api-no-io.ts: the items are a fixed list'));
  }

  rename(): Promise<Item | undefined> {
    return Promise.reject(new Error('bench/api-no-io.ts: the items are a fixed list'));
  }

  remove(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** A connection that opens nothing; readiness' `select 1` is all that reaches it. */
const NO_DATABASE = {
  db: { execute: () => Promise.resolve({ rows: [] }) },
  description: 'no database (bench/api-no-io.ts)',
  migrate: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

async function bootstrap(): Promise<void> {
  // As src/main.ts: the same .env, real environment variables (the bench's) winning.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const [{ AppModule }, { configureApp }, { createHttpAdapter, wildcardHost }, appConfig] =
    await Promise.all([
      fromDist<typeof import('../src/app.module.js')>('app.module.js'),
      fromDist<typeof import('../src/app.setup.js')>('app.setup.js'),
      fromDist<typeof import('../src/http-adapter.js')>('http-adapter.js'),
      fromDist<typeof import('../src/config/app.config.js')>('config/app.config.js'),
    ]);
  const { ItemsRepository: RepositoryToken } = await fromDist<
    typeof import('../src/items/items.repository.js')
  >('items/items.repository.js');
  const { DATABASE_CONNECTION } = await fromDist<
    typeof import('../src/database/database.service.js')
  >('database/database.service.js');
  const config = appConfig.readAppConfig(process.env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    // NestFactory.create's default logger: the testing one would drop the start-up lines.
    .setLogger(new ConsoleLogger())
    .overrideProvider(RepositoryToken)
    .useValue(new FixedItemsRepository())
    .overrideProvider(DATABASE_CONNECTION)
    .useValue(NO_DATABASE)
    .compile();
  const app = moduleRef.createNestApplication(await createHttpAdapter(config));
  configureApp(app);
  await app.listen(config.port, await wildcardHost());
  new Logger('Bootstrap').log(`${LISTENING_LINE} ${config.port}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
