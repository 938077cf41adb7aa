import type { ArgumentsHost } from '@nestjs/common';

/** A GraphQL context as the guards read it: the transport's request under `req`. */
interface GraphqlContext {
  req?: unknown;
}

/** One view per field call, keyed by the call's `info` (graphql-js makes one per call). */
const views = new WeakMap<object, object>();

/**
 * The request the guards read for one GraphQL field call: the operation's request (the HTTP
 * request, or a graphql-ws socket's, under the context's `req`) seen through a view whose
 * `params` are the field's arguments, scalars as strings like a route's path parameters, so
 * `@OwnerOrRole` lookups and `@RequireOrganization({ param })` read `renameItem(id: 7)` as
 * they read `/items/7`. The guards, interceptors and parameter decorators of one call share
 * its view (what one guard attaches, the next reads); another field never sees it. Undefined
 * without a request (fail closed).
 */
export function graphqlRequestOf<T extends object>(context: ArgumentsHost): T | undefined {
  const [, args, graphqlContext, info] = context.getArgs<[unknown, unknown, unknown, unknown]>();
  const request = (graphqlContext as GraphqlContext | undefined)?.req;
  if (!isObject(request) || !isObject(info)) return undefined;
  let view = views.get(info);
  if (view === undefined) {
    view = Object.create(request, {
      params: { value: paramsOf(args), enumerable: true },
      // Attached by the guards of this call only: a `@Public()` field sees no principal, as a
      // public REST route does, even when the operation's token was checked before execution.
      user: { value: undefined, writable: true, enumerable: true },
      accessToken: { value: undefined, writable: true },
    }) as object;
    views.set(info, view);
  }
  return view as T;
}

/** The field's scalar arguments as strings; input objects and lists are not parameters. */
function paramsOf(args: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (!isObject(args)) return params;
  for (const [name, value] of Object.entries(args)) {
    if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) {
      params[name] = String(value as string | number | boolean | bigint);
    }
  }
  return params;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
