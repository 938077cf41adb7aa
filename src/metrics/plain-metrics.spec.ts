import { Registry } from 'prom-client';
import { CounterSeries } from './plain-metrics.js';

describe('CounterSeries', () => {
  it('is scraped as a Prometheus counter, each series at its count, new ones at 0', async () => {
    const registry = new Registry();
    const counter = new CounterSeries(registry, 'things_total', 'Things.', ['kind', 'result']);
    const hit = counter.child({ kind: 'a', result: 'hit' });
    counter.child({ kind: 'a', result: 'miss' });
    hit.inc();
    hit.inc(2);
    expect(await registry.metrics()).toBe(
      [
        '# HELP things_total Things.',
        '# TYPE things_total counter',
        'things_total{kind="a",result="hit"} 3',
        'things_total{kind="a",result="miss"} 0',
        '',
      ].join('\n'),
    );
  });

  it('hands out one child per set of label values, whatever the key order', () => {
    const counter = new CounterSeries(new Registry(), 'x_total', 'X.', ['a', 'b']);
    expect(counter.child({ a: '1', b: '2' })).toBe(counter.child({ b: '2', a: '1' }));
    expect(counter.child({ a: '1', b: '2' })).not.toBe(counter.child({ a: '12', b: '' }));
  });

  it('escapes label values as the text format requires', async () => {
    const registry = new Registry();
    new CounterSeries(registry, 'y_total', 'Y.', ['reason']).child({ reason: 'a"b\\c' }).inc();
    expect(await registry.metrics()).toContain('y_total{reason="a\\"b\\\\c"} 1');
  });

  it('is set back to 0 by the registry', async () => {
    const registry = new Registry();
    new CounterSeries(registry, 'z_total', 'Z.', ['k']).child({ k: 'v' }).inc(5);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('z_total{k="v"} 0');
  });

  it('refuses a second metric of the same name, as prom-client does', () => {
    const registry = new Registry();
    new CounterSeries(registry, 'dup_total', 'D.', ['k']);
    expect(() => new CounterSeries(registry, 'dup_total', 'D.', ['k'])).toThrow(
      /already been registered/,
    );
  });
});
