import { Subject } from 'rxjs';
import { iterate } from './observable-iterator.js';

describe('iterate', () => {
  it('subscribes at once and keeps what is emitted before the first next()', async () => {
    const source = new Subject<number>();
    const events = iterate(source);
    source.next(1);
    source.next(2);
    expect(await events.next()).toEqual({ value: 1, done: false });
    expect(await events.next()).toEqual({ value: 2, done: false });
    const waiting = events.next();
    source.next(3);
    expect(await waiting).toEqual({ value: 3, done: false });
  });

  it('unsubscribes on return() and ends a waiting reader', async () => {
    const source = new Subject<number>();
    const events = iterate(source);
    const waiting = events.next();
    await events.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(source.observed).toBe(false);
  });

  it('ends when the source completes', async () => {
    const source = new Subject<number>();
    const events = iterate(source);
    source.complete();
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });
});
