import type { AbstractHttpAdapter } from '@nestjs/core';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { AppConfig } from './config/app.config.js';

/**
 * The HTTP adapter `HTTP_ADAPTER` names, built with the settings only a constructor can take
 * (`trust proxy`, body limit), so `main.ts` and the e2e tests build it the same way. Each
 * platform package is loaded only when chosen.
 */
export async function createHttpAdapter(config: AppConfig): Promise<AbstractHttpAdapter> {
  if (config.httpAdapter === 'fastify') {
    const { createFastifyAdapter } = await import('./fastify-adapter.js');
    return createFastifyAdapter(config);
  }
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  const adapter = new ExpressAdapter();
  adapter.set('trust proxy', config.trustProxy);
  adapter.disable('x-powered-by');
  // No weak ETag hashed from every JSON body: API answers are Cache-Control: no-store, so none
  // is revalidated, and Fastify sends none. The items' own version ETags are set by their routes.
  adapter.set('etag', false);
  return adapter;
}

/**
 * The host both platforms listen on: the one Node binds when given none (`::`, dual stack,
 * where IPv6 exists, else `0.0.0.0`), as Express always did. Fastify would default to
 * localhost only. A throw-away socket reveals Node's choice.
 */
export async function wildcardHost(): Promise<string> {
  const probe = createServer().listen(0);
  await once(probe, 'listening');
  const { address } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return address;
}

/** Whether `port` can be listened on at `host` now: a throw-away socket tries. */
export async function portIsFree(port: number, host: string): Promise<boolean> {
  const probe = createServer();
  try {
    probe.listen(port, host);
    await once(probe, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw error;
  }
  probe.close();
  await once(probe, 'close');
  return true;
}
