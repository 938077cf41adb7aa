import type { INestApplication } from '@nestjs/common';
import { once } from 'node:events';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sends a GET with headers exactly as given, repeated names included (supertest folds them),
 * to the app's HTTP server on an ephemeral loopback port. Resolves with status and headers.
 */
export async function rawGet(
  app: INestApplication,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const server = app.getHttpServer() as Server;
  if (!server.listening) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  const { port } = server.address() as AddressInfo;
  const req = request({ host: '127.0.0.1', port, path, method: 'GET' });
  // An array value is sent as one header line per item.
  for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
  req.end();
  const [response] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  response.resume();
  await once(response, 'end');
  return { status: response.statusCode ?? 0, headers: response.headers };
}
