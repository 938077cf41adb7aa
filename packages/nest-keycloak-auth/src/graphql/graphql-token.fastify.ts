import type { ArgumentsHost, INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthErrorFilter } from '../filters/auth-error.filter.js';
import type { GuardedRequest } from '../guards/jwt-auth.guard.js';
import { AuthFailureLimiter } from '../throttling/auth-failure-limiter.js';
import { GraphqlTokenMiddleware } from './graphql-token.middleware.js';

/** What this file uses of a Fastify instance and its route options. */
interface FastifyRoutes {
  addHook(name: 'onRoute', hook: (route: FastifyRoute) => void): unknown;
}
interface FastifyRoute {
  url: string;
  preHandler?: PreHandler | PreHandler[];
}
type PreHandler = (request: GuardedRequest, reply: object) => Promise<unknown>;

/**
 * On Fastify, GraphqlTokenMiddleware's check as a `preHandler` of the GraphQL route alone. Nest
 * serves Fastify middleware through `@fastify/middie`, whose engine then runs on every request
 * of the app: applied with `MiddlewareConsumer`, this one check took 40 % of Fastify's `/health`
 * throughput (docs/decisions.md). A refused token is answered by AuthErrorFilter, exactly as on
 * a REST route. Call it before `app.init()` (or `listen()`), when GraphQL registers its route.
 * @example
 * if (app.getHttpAdapter().getType() === 'fastify') checkGraphqlTokensOnFastify(app, '/graphql');
 */
export function checkGraphqlTokensOnFastify(app: INestApplication, path: string): void {
  let check: ((request: GuardedRequest, reply: object) => Promise<unknown>) | undefined;
  const routes = app.getHttpAdapter().getInstance() as FastifyRoutes;
  routes.addHook('onRoute', (route) => {
    if (route.url !== path) return;
    const before = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [
      ...before,
      (request, reply) => {
        // Resolved at the first request: the providers exist once the app is initialised.
        check ??= checker(app);
        return check(request, reply);
      },
    ];
  });
}

/** The middleware's check, with a refusal written by an AuthErrorFilter of the app's providers. */
function checker(app: INestApplication) {
  const middleware = app.get(GraphqlTokenMiddleware);
  const filter = new AuthErrorFilter(
    app.get(AuthSettings),
    app.get(HttpAdapterHost),
    app.get(AuditTrail),
    app.get(AuthFailureLimiter),
  );
  return async (request: GuardedRequest, reply: object): Promise<unknown> => {
    try {
      await middleware.use(request, reply, () => undefined);
      return undefined;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      await filter.catch(error, httpHost(request, reply));
      // Answered: Fastify runs nothing further for this request.
      return reply;
    }
  };
}

/** The ArgumentsHost of an HTTP request, as Nest builds one for its own routes. */
function httpHost(request: object, reply: object): ArgumentsHost {
  const args = [request, reply];
  const http = { getRequest: () => request, getResponse: () => reply, getNext: () => undefined };
  return {
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    getType: () => 'http',
    switchToHttp: () => http,
    switchToRpc: () => {
      throw new Error('Not an RPC context');
    },
    switchToWs: () => {
      throw new Error('Not a WebSocket context');
    },
  } as unknown as ArgumentsHost;
}
