import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs `count` calls with at most `concurrency` in flight and counts the statuses they
 * return, e.g. `{ 200: 1990, 503: 10 }`.
 */
export async function burst(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<number>,
): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const status = await call(next++);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

/**
 * Heap in use after a full garbage collection, so two readings compare what is retained
 * rather than what happens to be uncollected. Exposes V8's gc() without a command-line flag.
 */
export function retainedHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
