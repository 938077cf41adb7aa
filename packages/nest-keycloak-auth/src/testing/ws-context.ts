import type { ExecutionContext, Type } from '@nestjs/common';

/** What a fake WebSocket message context is made of; every part has a harmless default. */
export interface WsContextParts {
  /** The gateway's handler, e.g. `Gateway.prototype.subscribe` (carries method metadata). */
  handler?: (...args: never[]) => unknown;
  /** The gateway class (carries class metadata). */
  gateway?: Type<unknown>;
  /** What `switchToWs().getClient()` returns: the socket. @default {} */
  client?: object;
  /** The message's data. */
  data?: unknown;
  /** The message's event name. @default 'message' */
  pattern?: string;
}

class UndecoratedGateway {
  handler(this: void): void {}
}

/**
 * A fake ExecutionContext of one WebSocket message, for unit-testing guards and interceptors
 * without a socket. A client no handshake authenticated carries no principal: guards refuse it.
 */
export function createWsContext(parts: WsContextParts = {}): ExecutionContext {
  const {
    handler = UndecoratedGateway.prototype.handler,
    gateway = UndecoratedGateway,
    client = {},
    data,
    pattern = 'message',
  } = parts;
  const args: unknown[] = [client, data, pattern];
  const notWs = (): never => {
    throw new Error('createWsContext only fakes the WebSocket arguments host');
  };
  return {
    getHandler: () => handler,
    getClass: <T>() => gateway as Type<T>,
    getType: <T extends string>() => 'ws' as T,
    getArgs: <T extends unknown[]>() => args as T,
    getArgByIndex: <T>(index: number) => args[index] as T,
    switchToHttp: notWs,
    switchToRpc: notWs,
    switchToWs: () => ({
      getClient: <T>() => client as T,
      getData: <T>() => data as T,
      getPattern: () => pattern,
    }),
  };
}
