import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { createHttpContext } from '../testing/execution-context.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { AuthErrorFilter } from './auth-error.filter.js';

const settings = new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'api' });

/** What the filter wrote through the HTTP adapter. */
interface Written {
  headers: Record<string, string | string[]>;
  status?: number;
  body?: unknown;
}

function filterWritingTo(written: Written, options = settings): AuthErrorFilter {
  const httpAdapter = {
    setHeader: (_response: unknown, name: string, value: string) => {
      written.headers[name] = value;
    },
    reply: (_response: unknown, body: unknown, status: number) => {
      written.body = body;
      written.status = status;
    },
  };
  return new AuthErrorFilter(options, { httpAdapter } as unknown as HttpAdapterHost);
}

describe('AuthErrorFilter', () => {
  let warn: jest.Spied<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers through the HTTP adapter with the status, RFC 6750 header and fixed body', async () => {
    const written: Written = { headers: {} };
    const request = { method: 'GET', url: '/me?x=1', headers: {} };
    await filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.Expired),
      createHttpContext({ request }),
    );
    expect(written.status).toBe(401);
    expect(written.body).toEqual({
      statusCode: 401,
      message: 'Token has expired',
      error: 'Unauthorized',
    });
    // One challenge per accepted scheme (DPOP_MODE allowed): the Bearer one carries the error.
    expect(written.headers['WWW-Authenticate']).toEqual([
      'Bearer realm="demo", error="invalid_token", error_description="Token has expired"',
      'DPoP algs="ES256 RS256 PS256"',
    ]);
  });

  it('answers a token sent twice with 400 and error="invalid_request"', async () => {
    const written: Written = { headers: {} };
    await filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.InvalidRequest),
      createHttpContext({ request: { method: 'GET', url: '/me', headers: {} } }),
    );
    expect(written.status).toBe(400);
    expect(written.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(written.headers['WWW-Authenticate']).toBe(
      'Bearer realm="demo", error="invalid_request", error_description="Bearer token sent more than once"',
    );
  });

  it('logs fields: the route template (Fastify routeOptions), never the query string', async () => {
    const written: Written = { headers: {} };
    const request = {
      method: 'GET',
      url: '/items/7?access=secret',
      routeOptions: { url: '/items/:id' },
      ip: '127.0.0.1',
      headers: {},
    };
    await filterWritingTo(written).catch(
      new AuthError(AuthErrorCode.UnknownKey, { kid: 'k1' }),
      createHttpContext({ request }),
    );
    expect(warn).toHaveBeenCalledWith({
      event: 'auth_refused',
      stage: 'authentication',
      outcome: 'refused',
      status: 401,
      reason: AuthErrorCode.UnknownKey,
      method: 'GET',
      route: '/items/:id',
      sub: undefined,
      azp: undefined,
      kid: 'k1',
      ip: '127.0.0.1',
    });
  });

  describe('with AUTH_FAILURE_LIMIT 2', () => {
    const limited = new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'api',
      authFailureLimit: 2,
      authFailureWindowSeconds: 60,
    });

    /** One filter (one limiter); each call answers into a fresh record. */
    function limitedFilter(): (error: AuthError, ip: string) => Promise<Written> {
      let current: Written = { headers: {} };
      const httpAdapter = {
        setHeader: (_response: unknown, name: string, value: string) => {
          current.headers[name] = value;
        },
        reply: (_response: unknown, body: unknown, status: number) => {
          Object.assign(current, { body, status });
        },
      };
      const filter = new AuthErrorFilter(limited, { httpAdapter } as unknown as HttpAdapterHost);
      return async (error, ip) => {
        const written: Written = { headers: {} };
        current = written;
        await filter.catch(
          error,
          createHttpContext({ request: { method: 'GET', url: '/me', ip } }),
        );
        return written;
      };
    }

    it('answers the third 401 from one address 429 with Retry-After, and logs it', async () => {
      const answer = limitedFilter();
      const written: Written[] = [];
      for (let i = 0; i < 3; i++) {
        written.push(await answer(new AuthError(AuthErrorCode.InvalidSignature), '10.0.0.1'));
      }
      expect(written.map((w) => w.status)).toEqual([401, 401, 429]);
      expect(written[2].headers['Retry-After']).toBe('60');
      expect(written[2].headers['WWW-Authenticate']).toBeUndefined();
      expect(written[2].body).toEqual({
        statusCode: 429,
        message: 'Too many failed authentications',
        error: 'Too Many Requests',
      });
      expect(warn).toHaveBeenLastCalledWith(
        expect.objectContaining({ status: 429, reason: AuthErrorCode.TooManyFailures }),
      );
      // Another address is not held back.
      expect((await answer(new AuthError(AuthErrorCode.MissingToken), '10.0.0.2')).status).toBe(
        401,
      );
    });

    it('counts only 401s: 403 and 503 answers stay as they are', async () => {
      const answer = limitedFilter();
      const statuses: (number | undefined)[] = [];
      for (const code of [
        AuthErrorCode.InsufficientRoles,
        AuthErrorCode.InsufficientRoles,
        AuthErrorCode.KeysUnavailable,
        AuthErrorCode.InsufficientRoles,
        AuthErrorCode.Expired,
      ]) {
        statuses.push((await answer(new AuthError(code), '10.0.0.1')).status);
      }
      expect(statuses).toEqual([403, 403, 503, 403, 401]);
    });
  });

  it('rethrows outside HTTP, where there is no response to write', () => {
    const error = new AuthError(AuthErrorCode.MissingToken);
    const rpc = createHttpContext({ type: 'rpc' });
    expect(() => filterWritingTo({ headers: {} }).catch(error, rpc)).toThrow(error);
  });
});
