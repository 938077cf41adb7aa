import { Registry } from 'prom-client';
import { HttpMetrics, UNMATCHED_ROUTE } from './http-metrics.js';

describe('HttpMetrics', () => {
  it('records each request under its method, route template and status', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    metrics.observe('GET', '/items/:id', 200, 0.003);
    metrics.observe('GET', '/items/:id', 200, 0.02);
    metrics.observe('GET', '/items/:id', 404, 0.001);
    metrics.observe('DELETE', '/items/:id', 204, 0.004);
    const text = await registry.metrics();
    const count = (labels: string) =>
      new RegExp(`^http_server_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1];
    expect(count('method="GET",route="/items/:id",status_code="200"')).toBe('2');
    expect(count('method="GET",route="/items/:id",status_code="404"')).toBe('1');
    expect(count('method="DELETE",route="/items/:id",status_code="204"')).toBe('1');
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{le="0.005",method="GET",route="/items/:id",status_code="200"} 1',
    );
  });

  it(`puts requests that matched no route under route="${UNMATCHED_ROUTE}", whatever their path`, async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    for (let i = 0; i < 5; i++) metrics.observe('GET', undefined, 404, 0.001);
    const text = await registry.metrics();
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 5',
    );
    expect(text.match(/_count\{/g)).toHaveLength(1);
  });
});
