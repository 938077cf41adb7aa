import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { createHttpContext } from '../testing/execution-context.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from './auth-error.js';
import { AuthErrorFilter } from './auth-error.filter.js';

const settings = new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'api' });

/** What the filter wrote through the HTTP adapter. */
interface Written {
  headers: Record<string, string>;
  status?: number;
  body?: unknown;
}

function filterWritingTo(written: Written): AuthErrorFilter {
  const httpAdapter = {
    setHeader: (_response: unknown, name: string, value: string) => {
      written.headers[name] = value;
    },
    reply: (_response: unknown, body: unknown, status: number) => {
      written.body = body;
      written.status = status;
    },
  };
  return new AuthErrorFilter(settings, { httpAdapter } as unknown as HttpAdapterHost);
}

describe('AuthErrorFilter', () => {
  let warn: jest.Spied<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers through the HTTP adapter with the status, RFC 6750 header and fixed body', () => {
    const written: Written = { headers: {} };
    const request = { method: 'GET', url: '/me?x=1', headers: {} };
    filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.Expired),
      createHttpContext({ request }),
    );
    expect(written.status).toBe(401);
    expect(written.body).toEqual({
      statusCode: 401,
      message: 'Token has expired',
      error: 'Unauthorized',
    });
    expect(written.headers['WWW-Authenticate']).toBe(
      'Bearer realm="demo", error="invalid_token", error_description="Token has expired"',
    );
  });

  it('answers a token sent twice with 400 and error="invalid_request"', () => {
    const written: Written = { headers: {} };
    filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.InvalidRequest),
      createHttpContext({ request: { method: 'GET', url: '/me', headers: {} } }),
    );
    expect(written.status).toBe(400);
    expect(written.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(written.headers['WWW-Authenticate']).toBe(
      'Bearer realm="demo", error="invalid_request", error_description="Bearer token sent more than once"',
    );
  });

  it('logs fields: the route template (Fastify routeOptions), never the query string', () => {
    const written: Written = { headers: {} };
    const request = {
      method: 'GET',
      url: '/items/7?access=secret',
      routeOptions: { url: '/items/:id' },
      ip: '127.0.0.1',
      headers: {},
    };
    filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.UnknownKey, { kid: 'k1' }),
      createHttpContext({ request }),
    );
    expect(warn).toHaveBeenCalledWith({
      event: 'auth_refused',
      status: 401,
      reason: AuthErrorCode.UnknownKey,
      method: 'GET',
      route: '/items/:id',
      sub: undefined,
      kid: 'k1',
      ip: '127.0.0.1',
    });
  });

  it('rethrows outside HTTP, where there is no response to write', () => {
    const error = new AuthError(AuthErrorCode.MissingToken);
    const rpc = createHttpContext({ type: 'rpc' });
    expect(() => filterWritingTo({ headers: {} }).catch(error, rpc)).toThrow(error);
  });
});
