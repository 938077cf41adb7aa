import type { Registry } from 'prom-client';

/** One sample line as prom-client's registry formats it. */
export interface Sample {
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** A metric as prom-client's registry reads it at scrape time. */
export interface CollectedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: readonly Sample[];
}

/**
 * Registers a metric of our own with prom-client's registry, which formats it like its own on
 * every scrape. For the metrics updated on every request: prom-client's Counter and Histogram
 * check and hash the label values on every update, even through a child made in advance, where
 * these keep plain numbers in objects found once and only add at update time.
 */
export function registerCollected(
  registry: Registry,
  name: string,
  collect: () => CollectedMetric,
  reset: () => void,
): void {
  registry.registerMetric({
    name,
    get: () => Promise.resolve(collect()),
    reset,
  } as unknown as Parameters<Registry['registerMetric']>[0]);
}

/** One series of a {@link CounterSeries}: increment it directly. */
export class CounterChild {
  value = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  inc(by = 1): void {
    this.value += by;
  }
}

/**
 * A counter with labels (`name` gets no `_total` added: give it in full). Look each series up
 * once with {@link child} and keep it: its `inc()` is one addition.
 */
export class CounterSeries<L extends string> {
  private readonly series = new Map<string, CounterChild>();

  constructor(
    registry: Registry,
    private readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly L[],
  ) {
    registerCollected(
      registry,
      name,
      () => this.collect(),
      () => this.series.forEach((c) => (c.value = 0)),
    );
  }

  /** The series with these label values, made at 0 the first time (so it is scraped as 0). */
  child(labels: Readonly<Record<L, string>>): CounterChild {
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    let child = this.series.get(key);
    if (child === undefined) {
      const own: Record<string, string> = {};
      for (const name of this.labelNames) own[name] = labels[name];
      this.series.set(key, (child = new CounterChild(Object.freeze(own))));
    }
    return child;
  }

  private collect(): CollectedMetric {
    const values = [...this.series.values()].map(({ labels, value }) => ({ labels, value }));
    return { name: this.name, help: this.help, type: 'counter', values };
  }
}
