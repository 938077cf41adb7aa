import type { ArgumentsHost } from '@nestjs/common';
import { graphqlRequestOf } from './graphql-request.js';

/** A GraphQL resolver's arguments host: root, args, context, info. */
function fieldCall(args: unknown, context: unknown, info: object = {}): ArgumentsHost {
  const all = [{}, args, context, info];
  return { getArgs: () => all, getType: () => 'graphql' } as unknown as ArgumentsHost;
}

describe('graphqlRequestOf', () => {
  const request = { headers: { authorization: 'Bearer t' }, ip: '10.0.0.1', user: { sub: 'x' } };

  it("exposes the field's scalar arguments as string params over the operation's request", () => {
    const view = graphqlRequestOf<Record<string, unknown>>(
      fieldCall({ id: 7, name: 'a', on: true, input: { x: 1 }, list: [1] }, { req: request }),
    )!;
    expect(view.params).toEqual({ id: '7', name: 'a', on: 'true' });
    expect(view.headers).toBe(request.headers);
    expect(view.ip).toBe('10.0.0.1');
  });

  it('shares one view across the guards of a call, and none with another call', () => {
    const info = {};
    const first = graphqlRequestOf<{ user?: unknown }>(fieldCall({}, { req: request }, info))!;
    first.user = { sub: 'y' };
    expect(graphqlRequestOf(fieldCall({}, { req: request }, info))).toBe(first);
    expect(graphqlRequestOf(fieldCall({}, { req: request }, {}))).not.toBe(first);
    expect(request.user).toEqual({ sub: 'x' });
  });

  it("starts without a principal, whatever the operation's request carries", () => {
    const view = graphqlRequestOf<{ user?: unknown }>(fieldCall({}, { req: request }))!;
    expect(view.user).toBeUndefined();
  });

  it.each([
    ['no context', undefined],
    ['a context without req', {}],
    ['a req that is not an object', { req: 'x' }],
  ])('is undefined with %s (fail closed)', (_, context) => {
    expect(graphqlRequestOf(fieldCall({}, context))).toBeUndefined();
  });
});
