import type { Observable } from 'rxjs';

/**
 * An observable as the async iterator graphql-js reads a subscription's events from. It
 * subscribes at once (nothing emitted between the subscription and the first `next()` is
 * lost), keeps what the reader has not taken yet, and unsubscribes when the subscription ends.
 */
export function iterate<T>(source: Observable<T>): AsyncIterableIterator<T> {
  const queued: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let done = false;
  const finish = (): Promise<IteratorResult<T>> => {
    done = true;
    subscription.unsubscribe();
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  };
  const subscription = source.subscribe({
    next: (value) => {
      const resolve = waiting.shift();
      if (resolve) resolve({ value, done: false });
      else queued.push(value);
    },
    complete: () => void finish(),
  });
  return {
    next: () => {
      if (queued.length > 0) return Promise.resolve({ value: queued.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
