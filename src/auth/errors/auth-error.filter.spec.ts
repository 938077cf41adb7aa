import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHttpContext } from '../../../test/support/execution-context.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from './auth-error.js';
import { AuthErrorFilter } from './auth-error.filter.js';

const settings = new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'api' });

describe('AuthErrorFilter', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers an HTTP request with the status, RFC 6750 header and fixed body', () => {
    const headers: Record<string, string> = {};
    const response = {
      statusCode: 0,
      body: undefined as unknown,
      setHeader(name: string, value: string) {
        headers[name] = value;
      },
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      json(body: unknown) {
        this.body = body;
      },
    };
    const request = { method: 'GET', path: '/me', headers: {} };
    new AuthErrorFilter(settings).catch(
      new AuthError(AuthErrorCode.Expired),
      createHttpContext({ request, response }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      message: 'Token has expired',
      error: 'Unauthorized',
    });
    expect(headers['WWW-Authenticate']).toBe(
      'Bearer realm="demo", error="invalid_token", error_description="Token has expired"',
    );
  });

  it('rethrows outside HTTP, where there is no response to write', () => {
    const error = new AuthError(AuthErrorCode.MissingToken);
    const rpc = createHttpContext({ type: 'rpc' });
    expect(() => new AuthErrorFilter(settings).catch(error, rpc)).toThrow(error);
  });
});
