/** Stand-in endpoints that are counted and can be made to fail. */
export type StandInEndpoint = 'discovery' | 'jwks' | 'token' | 'introspect' | 'adminUsers';

/**
 * An injected fault: wait `delayMs` first, then answer `status` with the raw `body`.
 * Status alone sends Keycloak's `{"error":"unknown_error"}`; body alone is sent as 200.
 * With neither, the request is served normally after the delay.
 */
export interface Fault {
  status?: number;
  delayMs?: number;
  body?: string;
}

/** Something that reports when the client connection goes away (a ServerResponse). */
interface Closable {
  once(event: 'close', listener: () => void): unknown;
}

/** Per-endpoint faults plus cancellable delays, so stop() never waits on a sleeping request. */
export class FaultInjector {
  private readonly faults = new Map<StandInEndpoint, { fault: Fault; remaining: number }>();
  private readonly sleepers = new Set<(completed: boolean) => void>();
  private readonly sleepWatchers: Array<() => void> = [];

  /** Applies the fault to the next `times` requests of the endpoint. */
  failNext(endpoint: StandInEndpoint, fault: Fault, times = 1): void {
    this.faults.set(endpoint, { fault, remaining: times });
  }

  /** Applies the fault to every request of the endpoint until cleared with undefined. */
  set(endpoint: StandInEndpoint, fault: Fault | undefined): void {
    if (fault) this.faults.set(endpoint, { fault, remaining: Infinity });
    else this.faults.delete(endpoint);
  }

  /** Removes all faults. */
  clear(): void {
    this.faults.clear();
  }

  /** The fault for this request, if any (consumes one use). */
  take(endpoint: StandInEndpoint): Fault | undefined {
    const entry = this.faults.get(endpoint);
    if (!entry) return undefined;
    if (--entry.remaining <= 0) this.faults.delete(endpoint);
    return entry.fault;
  }

  /** Resolves true after `ms`, or false early when cancelled or the client goes away. */
  sleep(ms: number, response: Closable): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (completed: boolean): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve(completed);
      };
      const timer = setTimeout(() => wake(true), ms);
      this.sleepers.add(wake);
      response.once('close', () => wake(false));
      this.sleepWatchers.splice(0).forEach((notify) => notify());
    });
  }

  /** Resolves when the next request starts its injected delay: an event to await, not a sleep. */
  nextSleep(): Promise<void> {
    return new Promise((resolve) => this.sleepWatchers.push(resolve));
  }

  /** Ends every pending delay now; the held requests are answered as their fault says. */
  finishSleeps(): void {
    for (const wake of [...this.sleepers]) wake(true);
  }

  /** Ends every pending delay at once. */
  cancelSleeps(): void {
    for (const wake of [...this.sleepers]) wake(false);
  }
}
