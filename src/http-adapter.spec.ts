import type { AbstractHttpAdapter } from '@nestjs/core';
import request from 'supertest';
import { HTTP_ADAPTERS, readAppConfig, type HttpAdapterName } from './config/app.config.js';
import { createHttpAdapter, wildcardHost } from './http-adapter.js';

interface IpRequest {
  ip?: string;
}

/** The adapter for `TRUST_PROXY`, with one bare route answering the client IP it sees. */
async function serverFor(adapter: HttpAdapterName, TRUST_PROXY: string): Promise<unknown> {
  const http: AbstractHttpAdapter = await createHttpAdapter(
    readAppConfig({ HTTP_ADAPTER: adapter, TRUST_PROXY }),
  );
  http.get('/ip', (req: IpRequest, res: unknown) => {
    http.reply(res, { ip: req.ip }, 200);
  });
  if (adapter === 'express') return http.getInstance();
  const fastify = http.getInstance<{ ready(): Promise<unknown>; server: unknown }>();
  await fastify.ready();
  return fastify.server;
}

// Supertest connects from 127.0.0.1: one hop, which a proxy would be.
describe.each(HTTP_ADAPTERS)('createHttpAdapter(%s): TRUST_PROXY', (adapter) => {
  it.each([
    ['false', '127.0.0.1'],
    ['true', '203.0.113.1'],
    ['1', '198.51.100.7'],
    ['2', '203.0.113.1'],
    ['loopback', '198.51.100.7'],
    ['10.0.0.0/8', '127.0.0.1'],
  ])('%p: the client IP is %s', async (TRUST_PROXY, ip) => {
    const server = await serverFor(adapter, TRUST_PROXY);
    const { body } = await request(server as never)
      .get('/ip')
      .set('X-Forwarded-For', '203.0.113.1, 198.51.100.7')
      .expect(200);
    expect((body as IpRequest).ip?.replace(/^::ffff:/, '')).toBe(ip);
  });
});

describe('wildcardHost', () => {
  it("is the address Node binds when given no host: '::' or '0.0.0.0'", async () => {
    expect(['::', '0.0.0.0']).toContain(await wildcardHost());
  });
});
