import { jest } from '@jest/globals';
import { HttpService } from '@nestjs/axios';
import { BadGatewayException, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { of, Subject, throwError, type Observable } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { ServiceTokenClient } from './service-token.client.js';

type Post = (url: string, body: string, config: AxiosRequestConfig) => Observable<unknown>;

const T0 = 1_800_000_000_000;
const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'nest-api',
  clientSecret: 'client-secret',
  httpTimeoutMs: 4321,
});
const endpoints = deriveEndpoints(settings.realmUrl);

/** A token endpoint answer: `access_token` is `token-<n>` for the n-th request. */
function tokenAnswer(n: number, expiresIn = 300) {
  return { data: { access_token: `token-${n}`, expires_in: expiresIn, token_type: 'Bearer' } };
}

describe('ServiceTokenClient', () => {
  const post = jest.fn<Post>();
  const http = { post } as unknown as HttpService;
  let now: number;
  let client: ServiceTokenClient;
  let logError: jest.Spied<Logger['error']>;

  beforeEach(async () => {
    now = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    post.mockReset();
    post.mockImplementation(() => of(tokenAnswer(post.mock.calls.length)));
    const moduleRef = await Test.createTestingModule({
      providers: [
        ServiceTokenClient,
        { provide: AuthSettings, useValue: settings },
        { provide: HttpService, useValue: http },
        { provide: OidcDiscoveryService, useValue: { endpoints } },
      ],
    }).compile();
    client = moduleRef.get(ServiceTokenClient);
  });

  afterEach(() => {
    for (const args of logError.mock.calls) {
      expect(JSON.stringify(args)).not.toMatch(/client-secret|token-\d/);
    }
    jest.restoreAllMocks();
  });

  describe('start-up check', () => {
    const refused = (status: number) => () =>
      throwError(
        () =>
          new AxiosError('refused', 'ERR_BAD_REQUEST', undefined, undefined, {
            status,
            data: { error: status === 401 ? 'unauthorized_client' : 'invalid_client' },
          } as AxiosResponse),
      );

    it('logs a refused client id or secret at ERROR while starting, and keeps no token', async () => {
      post.mockImplementationOnce(refused(401));
      await client.onApplicationBootstrap();
      expect(logError).toHaveBeenCalledTimes(1);
      const line = String(logError.mock.calls[0][0]);
      expect(line).toContain('KEYCLOAK_CLIENT_SECRET');
      expect(line).toContain('(start-up check)');
      await expect(client.getToken()).resolves.toBe('token-2');
      expect(post).toHaveBeenCalledTimes(2);
    });

    it('stays silent when the credentials are accepted or the client has no service account', async () => {
      await client.onApplicationBootstrap();
      post.mockImplementationOnce(refused(400));
      await client.onApplicationBootstrap();
      expect(post).toHaveBeenCalledTimes(2);
      expect(logError).not.toHaveBeenCalled();
    });

    it.each([
      ['discovery failed (Keycloak unreachable)', settings, 'nothing listens at http://kc.test'],
      [
        'no client secret is set',
        new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'nest-api' }),
        undefined,
      ],
    ])('asks nothing when %s', async (_label, own, failure) => {
      const discovery = { endpoints, failure } as unknown as OidcDiscoveryService;
      await new ServiceTokenClient(own, http, discovery).onApplicationBootstrap();
      expect(post).not.toHaveBeenCalled();
    });
  });

  it('asks the token endpoint for a client-credentials token with basic auth', async () => {
    await expect(client.getToken()).resolves.toBe('token-1');
    expect(post).toHaveBeenCalledTimes(1);
    const [url, body, config] = post.mock.calls[0];
    expect(url).toBe(endpoints.tokenEndpoint);
    expect(body).toBe('grant_type=client_credentials');
    expect(config.auth).toEqual({ username: 'nest-api', password: 'client-secret' });
    expect(config.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(config.timeout).toBe(4321);
  });

  it('caches the token: two calls make one request', async () => {
    expect(await client.getToken()).toBe('token-1');
    expect(await client.getToken()).toBe('token-1');
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('shares one request between 10 concurrent callers', async () => {
    const answer = new Subject<unknown>();
    post.mockReturnValue(answer.asObservable());
    const tokens = Promise.all(Array.from({ length: 10 }, () => client.getToken()));
    answer.next(tokenAnswer(1));
    answer.complete();
    await expect(tokens).resolves.toEqual(Array<string>(10).fill('token-1'));
    expect(post).toHaveBeenCalledTimes(1);
  });

  it.each([
    [0, 1],
    [269_999, 1],
    [270_000, 2],
    [299_999, 2],
    [400_000, 2],
  ])('with a 300 s token, a call %i ms later makes %i request(s) in all', async (later, count) => {
    await client.getToken();
    now = T0 + later;
    await expect(client.getToken()).resolves.toBe(`token-${count}`);
    expect(post).toHaveBeenCalledTimes(count);
  });

  it('keeps the refreshed token cached for its own lifetime', async () => {
    await client.getToken();
    now = T0 + 270_000;
    expect(await client.getToken()).toBe('token-2');
    now = T0 + 270_000 + 269_999;
    expect(await client.getToken()).toBe('token-2');
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('reuses a 20 s token for half its lifetime instead of refreshing on every call', async () => {
    post.mockImplementation(() => of(tokenAnswer(post.mock.calls.length, 20)));
    await client.getToken();
    now = T0 + 9_999;
    expect(await client.getToken()).toBe('token-1');
    now = T0 + 10_000;
    expect(await client.getToken()).toBe('token-2');
    expect(post).toHaveBeenCalledTimes(2);
  });

  it('serves the still-valid token when an early refresh fails, and 502 once it has expired', async () => {
    await client.getToken();
    post.mockImplementation(() => throwError(() => new AxiosError('down', 'ECONNREFUSED')));
    now = T0 + 280_000;
    await expect(client.getToken()).resolves.toBe('token-1');
    now = T0 + 300_000;
    await expect(client.getToken()).rejects.toBeInstanceOf(BadGatewayException);
    expect(post).toHaveBeenCalledTimes(3);
  });

  it('forces a new request after invalidate()', async () => {
    await client.getToken();
    client.invalidate();
    await expect(client.getToken()).resolves.toBe('token-2');
    expect(post).toHaveBeenCalledTimes(2);
  });

  describe('Keycloak failures', () => {
    it("turns an HTTP 401 (bad client secret) into a 502 saying Keycloak refused the API's credentials", async () => {
      post.mockImplementation(() =>
        throwError(
          () =>
            new AxiosError('unauthorized', 'ERR_BAD_REQUEST', undefined, undefined, {
              status: 401,
              data: { error: 'unauthorized_client' },
            } as AxiosResponse),
        ),
      );
      const outcome = client.getToken();
      await expect(outcome).rejects.toMatchObject({
        message: "Keycloak refused this API's client credentials",
        status: 502,
      });
      expect(logError.mock.calls[0][0]).toMatchObject({
        event: 'service_token_refreshed',
        outcome: 'failure',
        message: expect.stringContaining('KEYCLOAK_CLIENT_SECRET'),
      });
    });

    const failures: Array<[string, () => Observable<unknown>]> = [
      ['a timeout', () => throwError(() => new AxiosError('timeout', 'ECONNABORTED'))],
      ['an answer without access_token', () => of({ data: { expires_in: 300 } })],
      ['an answer without expires_in', () => of({ data: { access_token: 'token-x' } })],
      ['an empty answer', () => of({ data: null })],
    ];

    it.each(failures)('turns %s into a 502 BadGatewayException', async (_label, answer) => {
      post.mockImplementation(answer);
      const outcome = client.getToken();
      await expect(outcome).rejects.toBeInstanceOf(BadGatewayException);
      await expect(outcome).rejects.toMatchObject({
        message: 'Failed to obtain a service-account token from Keycloak',
        status: 502,
      });
      expect(logError).toHaveBeenCalledTimes(1);
    });

    it('fails every concurrent caller with one request, then retries on the next call', async () => {
      post.mockImplementationOnce(() => throwError(() => new AxiosError('down', 'ECONNREFUSED')));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => client.getToken()),
      );
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect(post).toHaveBeenCalledTimes(1);

      await expect(client.getToken()).resolves.toBe('token-2');
      expect(post).toHaveBeenCalledTimes(2);
    });
  });
});
