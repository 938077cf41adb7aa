/**
 * The bench's ceiling: a bare Nest app (no auth, guards, pipes, filters, middleware, CORS or
 * docs) serving the routes the bench hits with the real app's bodies, on the platform's
 * default adapter. Run by bench/run.ts as `node dist-bench/bench/ceiling/main.js` with
 * `HTTP_ADAPTER=express|fastify` and `PORT`; what the real app does beyond this costs the gap.
 */
import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { wildcardHost } from '../../src/http-adapter.js';
import { LISTENING_LINE } from '../../test/support/child-app.js';
import { CeilingModule } from './ceiling.module.js';

async function create(adapter: string): Promise<INestApplication> {
  if (adapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(CeilingModule, new FastifyAdapter());
  }
  if (adapter !== 'express') throw new Error(`HTTP_ADAPTER must be express or fastify`);
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  return NestFactory.create(CeilingModule, new ExpressAdapter());
}

async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const app = await create(process.env.HTTP_ADAPTER || 'express');
  // As the real app: SIGTERM closes the app, so BENCH_CPU_PROF=1 writes this profile too.
  app.enableShutdownHooks();
  // The real app's host (`::` or `0.0.0.0`), so both listen on the same kind of socket.
  await app.listen(port, await wildcardHost());
  new Logger('Bootstrap').log(`${LISTENING_LINE} ${port}`);
}

void bootstrap();
