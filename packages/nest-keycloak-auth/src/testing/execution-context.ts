import type { ExecutionContext, Type } from '@nestjs/common';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;

/** What a fake context is made of; every part has a harmless default. */
export interface HttpContextParts {
  /** The route handler, e.g. `Controller.prototype.list` (carries method metadata). */
  handler?: (...args: never[]) => unknown;
  /** The controller class (carries class metadata). */
  controller?: Type<unknown>;
  /** What `switchToHttp().getRequest()` returns. @default { headers: {} } */
  request?: object;
  /** What `switchToHttp().getResponse()` returns. @default {} */
  response?: object;
  /** What `getType()` returns. @default 'http' */
  type?: string;
}

class UndecoratedController {
  handler(this: void): void {}
}

/** A fake ExecutionContext for unit-testing guards and interceptors without an HTTP server. */
export function createHttpContext(parts: HttpContextParts = {}): ExecutionContext {
  const {
    handler = UndecoratedController.prototype.handler,
    controller = UndecoratedController,
    request = { headers: {} },
    response = {},
    type = 'http',
  } = parts;
  const args: unknown[] = [request, response, undefined];
  const http: HttpArgumentsHost = {
    getRequest: <T>() => request as T,
    getResponse: <T>() => response as T,
    getNext: <T>() => undefined as T,
  };
  const notHttp = (): never => {
    throw new Error('createHttpContext only fakes the HTTP arguments host');
  };
  return {
    getHandler: () => handler,
    getClass: <T>() => controller as Type<T>,
    getType: <T extends string>() => type as T,
    getArgs: <T extends unknown[]>() => args as T,
    getArgByIndex: <T>(index: number) => args[index] as T,
    switchToHttp: () => http,
    switchToRpc: notHttp,
    switchToWs: notHttp,
  };
}
