import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/** The HTTP platforms this service runs on; the e2e tests run on each. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** An initialised (not yet listening) app on the given platform. */
export async function createApp(
  module: DynamicModule,
  adapter: AdapterName,
  options: { logger?: false } = {},
): Promise<INestApplication> {
  if (adapter === 'fastify') {
    const app = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter(),
      options,
    );
    await app.init();
    // Fastify registers its routes asynchronously: wait before serving requests.
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }
  const app = await NestFactory.create(module, new ExpressAdapter(), options);
  await app.init();
  return app;
}
