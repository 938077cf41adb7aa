import { jest } from '@jest/globals';
import { createWsContext } from '../testing/ws-context.js';
import { testPrincipal } from '../testing/test-principal.js';
import { bindSocketRequest, socketRequestOf, type SocketRequest } from './socket-request.js';
import { socketErrorOf } from './socket-error.js';

describe('socketRequestOf', () => {
  const user = testPrincipal();
  const bound = (): { client: object; request: SocketRequest } => {
    const client = {};
    const request: SocketRequest = { user, headers: {}, url: '/ws', method: 'WS' };
    bindSocketRequest(client, request);
    return { client, request };
  };

  it('is undefined for a socket no handshake bound (the guards refuse it)', () => {
    expect(socketRequestOf(createWsContext({ client: {} }))).toBeUndefined();
  });

  it("is the socket's request for a message without object data", () => {
    const { client, request } = bound();
    expect(socketRequestOf(createWsContext({ client, data: 'text' }))).toBe(request);
  });

  it('gives each object message a view of its own, with the data as params, the same for all its readers', () => {
    const { client } = bound();
    const data = { org: 'acme' };
    const view = socketRequestOf<SocketRequest>(createWsContext({ client, data }))!;
    expect(view.params).toBe(data);
    expect(view.user).toBe(user);
    expect(socketRequestOf(createWsContext({ client, data }))).toBe(view);
    const other = socketRequestOf<SocketRequest>(createWsContext({ client, data: { org: 'x' } }));
    expect(other).not.toBe(view);
  });

  it("gives each message's view the socket's token watch", () => {
    const watch = { introspect: jest.fn(), stop: jest.fn() };
    const { client, request } = bound();
    request.tokenWatch = watch;
    const view = socketRequestOf<SocketRequest>(createWsContext({ client, data: {} }))!;
    view.tokenWatch?.introspect();
    expect(watch.introspect).toHaveBeenCalledTimes(1);
  });
});

describe('socketErrorOf', () => {
  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [400, 'BAD_REQUEST'],
    [429, 'TOO_MANY_REQUESTS'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
  ])('names a %i refusal %s, with the fixed message', (status, code) => {
    expect(socketErrorOf({ status, message: 'Fixed' })).toEqual({
      event: 'error',
      data: { code, message: 'Fixed' },
    });
  });
});
