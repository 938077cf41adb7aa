import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AppConfig } from '../config/app.config.js';
import { MetricsPortTakenError, MetricsServer } from './metrics.server.js';

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

describe('MetricsServer', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(true);
  });
  let registry: Registry;
  let server: MetricsServer;
  let base: string;

  beforeEach(async () => {
    registry = new Registry();
    new Counter({ name: 'demo_total', help: 'A demo counter.', registers: [registry] }).inc(3);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = new MetricsServer(registry, { metricsPort: port } as AppConfig);
    await server.onApplicationBootstrap();
  });

  afterEach(() => server.onApplicationShutdown());

  it('answers GET /metrics with the registry in Prometheus text format', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('# TYPE demo_total counter\ndemo_total 3\n');
    expect((await fetch(`${base}/metrics?name[]=x`)).status).toBe(200);
  });

  it.each(['/', '/metrics/', '/metric', '/health', '/metrics.txt'])(
    'answers %s with 404',
    async (path) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('demo_total');
    },
  );

  it.each(['POST', 'PUT', 'DELETE', 'HEAD'])(
    'answers %s /metrics with 405, Allow: GET',
    async (method) => {
      const response = await fetch(`${base}/metrics`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
    },
  );

  it('answers 500, not a crash, when a collector fails', async () => {
    new Gauge({
      name: 'broken',
      help: 'Fails to collect.',
      registers: [registry],
      collect() {
        throw new Error('boom');
      },
    });
    expect((await fetch(`${base}/metrics`)).status).toBe(500);
    expect((await fetch(`${base}/metrics`)).status).toBe(500); // still serving
  });

  it('closes at shutdown, even with a keep-alive connection open', async () => {
    await fetch(`${base}/metrics`, { headers: { connection: 'keep-alive' } });
    await server.onApplicationShutdown();
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
  });

  it('refuses a taken port with one clear message naming METRICS_PORT', async () => {
    const holder = createServer().listen(0); // all interfaces, like the server
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const second = new MetricsServer(registry, { metricsPort: port } as AppConfig);
      const failure = second.onApplicationBootstrap();
      await expect(failure).rejects.toBeInstanceOf(MetricsPortTakenError);
      await expect(failure).rejects.toThrow(
        `Cannot listen: metrics port ${port} is already in use (set METRICS_PORT, or 0 to turn metrics off)`,
      );
    } finally {
      holder.close();
    }
  });

  it('listens on nothing with METRICS_PORT=0', async () => {
    const off = new MetricsServer(registry, { metricsPort: 0 } as AppConfig);
    await off.onApplicationBootstrap();
    await expect(off.onApplicationShutdown()).resolves.toBeUndefined();
  });
});
