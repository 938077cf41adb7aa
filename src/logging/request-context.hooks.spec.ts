import type { INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestStep } from '../common/request-step.js';
import { requestContext, type RequestContext } from './request-context.js';
import { useRequestContext } from './request-context.hooks.js';

/** What useRequestContext reads of an Express app: its adapter's type and its HTTP server. */
function expressApp(server: Server): INestApplication {
  const adapter = { getType: () => 'express' };
  return { getHttpAdapter: () => adapter, getHttpServer: () => server } as never;
}

async function get(
  server: Server,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/x', headers });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.resume();
    await once(res, 'end');
    return { status: res.statusCode ?? 0, headers: res.headers };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('useRequestContext on Express (the HTTP server request listener)', () => {
  it('runs the steps before the listener it wraps, which serves inside the request context', async () => {
    let seen: RequestContext | undefined;
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      seen = requestContext.getStore();
      res.end('ok');
    });
    const step: RequestStep = (_req, headers) => {
      headers.header('x-step', 'ran');
      return undefined;
    };

    useRequestContext(expressApp(server), [step]);
    const answer = await get(server, { 'x-request-id': 'req-1' });

    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe('req-1');
    expect(answer.headers['x-step']).toBe('ran');
    expect(seen).toEqual({ requestId: 'req-1', traceId: undefined });
    expect(server.listeners('request')).toHaveLength(1);
  });

  it('sends a step answer itself: the wrapped listener never sees the request', async () => {
    let served = 0;
    const server = createServer(() => void served++);
    const redirect: RequestStep = () => ({ status: 301, headers: { Location: 'docs/' } });

    useRequestContext(expressApp(server), [redirect]);
    const answer = await get(server);

    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('docs/');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(served).toBe(0);
  });

  it('refuses to start when the server does not have exactly one request listener', () => {
    const server = createServer();
    expect(() => useRequestContext(expressApp(server), [])).toThrow(
      'Expected one request listener (Express), found 0',
    );
    server.on('request', () => undefined).on('request', () => undefined);
    expect(() => useRequestContext(expressApp(server), [])).toThrow(
      'Expected one request listener (Express), found 2',
    );
  });
});
