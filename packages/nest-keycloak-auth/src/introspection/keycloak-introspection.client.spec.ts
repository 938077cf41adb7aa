import { jest } from '@jest/globals';
import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { of, throwError, type Observable } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { KeycloakIntrospectionClient } from './keycloak-introspection.client.js';

type Post = (url: string, body: string, config: AxiosRequestConfig) => Observable<unknown>;

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJl';
const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'nest-api',
  clientSecret: 'client-secret',
  introspectionTimeoutMs: 1234,
});
const endpoints = {
  ...deriveEndpoints(settings.realmUrl),
  introspectionEndpoint: 'http://kc.test/realms/demo/custom/introspect',
};

/** An axios error whose text and request carry the token, as a real one would. */
function axiosError(code: string, status?: number): AxiosError {
  const response = status === undefined ? undefined : ({ status, data: {} } as AxiosResponse);
  return new AxiosError(
    `failed introspecting token=${TOKEN}`,
    code,
    undefined,
    undefined,
    response,
  );
}

describe('KeycloakIntrospectionClient', () => {
  const post = jest.fn<Post>();
  const http = { post } as unknown as HttpService;
  let client: KeycloakIntrospectionClient;
  let logError: jest.Spied<Logger['error']>;

  beforeEach(async () => {
    post.mockReset();
    post.mockImplementation(() => of({ data: { active: true }, status: 200 }));
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({
      providers: [
        KeycloakIntrospectionClient,
        { provide: AuthSettings, useValue: settings },
        { provide: HttpService, useValue: http },
        { provide: OidcDiscoveryService, useValue: { endpoints } },
      ],
    }).compile();
    client = moduleRef.get(KeycloakIntrospectionClient);
  });

  afterEach(() => {
    // The logger may be called with anything, but never with the token.
    for (const args of logError.mock.calls) expect(JSON.stringify(args)).not.toContain(TOKEN);
    jest.restoreAllMocks();
  });

  /** The one request the client made. */
  function sent(): { url: string; body: string; config: AxiosRequestConfig } {
    expect(post).toHaveBeenCalledTimes(1);
    const [url, body, config] = post.mock.calls[0];
    return { url, body, config };
  }

  describe('the request', () => {
    it('posts the token as a form to the discovered introspection endpoint', async () => {
      await client.isActive(TOKEN);
      const { url, body, config } = sent();
      expect(url).toBe('http://kc.test/realms/demo/custom/introspect');
      expect(body).toBe(`token=${TOKEN}&token_type_hint=access_token`);
      expect(config.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
    });

    it('form-encodes characters that have a meaning in a form body', async () => {
      await client.isActive('a+b/c=&d');
      expect(sent().body).toBe('token=a%2Bb%2Fc%3D%26d&token_type_hint=access_token');
    });

    it('authenticates with HTTP basic auth as the confidential client', async () => {
      await client.isActive(TOKEN);
      expect(sent().config.auth).toEqual({ username: 'nest-api', password: 'client-secret' });
    });

    it('uses introspectionTimeoutMs as the timeout', async () => {
      await client.isActive(TOKEN);
      expect(sent().config.timeout).toBe(1234);
    });

    it.each([
      [200, true],
      [201, false],
      [204, false],
      [302, false],
      [401, false],
      [500, false],
    ])('accepts only HTTP 200: validateStatus(%i) is %p', async (status, accepted) => {
      await client.isActive(TOKEN);
      expect(sent().config.validateStatus?.(status)).toBe(accepted);
    });
  });

  describe('the answer', () => {
    it.each([true, false])('returns active: %p', async (active) => {
      post.mockReturnValue(of({ data: { active, sub: 'user-1' }, status: 200 }));
      await expect(client.isActive(TOKEN)).resolves.toBe(active);
      expect(logError).not.toHaveBeenCalled();
    });

    it.each<[string, unknown]>([
      ['a string "true"', { active: 'true' }],
      ['the number 1', { active: 1 }],
      ['null', { active: null }],
      ['no active field', { sub: 'user-1' }],
      ['a null body', null],
      ['a text body', 'active'],
    ])('refuses an answer with %s as IntrospectionUnavailable', async (_label, data) => {
      post.mockReturnValue(of({ data, status: 200 }));
      const outcome = client.isActive(TOKEN);
      await expect(outcome).rejects.toBeInstanceOf(AuthError);
      await expect(outcome).rejects.toMatchObject({
        code: AuthErrorCode.IntrospectionUnavailable,
      });
      expect(logError).toHaveBeenCalledTimes(1);
    });
  });

  describe('failures', () => {
    it('turns an HTTP 401 (bad client secret) into ClientCredentialsRefused, naming what to check', async () => {
      post.mockReturnValue(throwError(() => axiosError('ERR_BAD_REQUEST', 401)));
      await expect(client.isActive(TOKEN)).rejects.toMatchObject({
        code: AuthErrorCode.ClientCredentialsRefused,
      });
      expect(logError).toHaveBeenCalledTimes(1);
      const line = String(logError.mock.calls[0][0]);
      expect(line).toContain('refused the client credentials');
      expect(line).toContain('KEYCLOAK_CLIENT_SECRET');
      expect(line).not.toContain(TOKEN);
    });

    it.each([
      ['an HTTP 500', axiosError('ERR_BAD_RESPONSE', 500), 'answered HTTP 500'],
      ['a timeout', axiosError('ECONNABORTED'), 'did not answer in time'],
      ['a refused connection', axiosError('ECONNREFUSED'), 'nothing listens at http://kc.test'],
      ['an unknown host', axiosError('ENOTFOUND'), 'the host kc.test does not resolve'],
      ['a non-axios error', new Error(`boom ${TOKEN}`), '(Error)'],
    ])('turns %s into IntrospectionUnavailable', async (_label, error, logged) => {
      post.mockReturnValue(throwError(() => error));
      const outcome = client.isActive(TOKEN);
      await expect(outcome).rejects.toMatchObject({
        code: AuthErrorCode.IntrospectionUnavailable,
      });
      await expect(outcome).rejects.toHaveProperty(
        'message',
        AuthErrorCode.IntrospectionUnavailable,
      );
      expect(logError).toHaveBeenCalledTimes(1);
      expect(String(logError.mock.calls[0][0])).toContain(logged);
    });

    it('never hands the token to the logger', async () => {
      post.mockReturnValue(throwError(() => axiosError('ERR_BAD_RESPONSE', 500)));
      await expect(client.isActive(TOKEN)).rejects.toBeInstanceOf(AuthError);
      expect(logError).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(logError.mock.calls)).not.toContain(TOKEN);
      expect(JSON.stringify(logError.mock.calls)).not.toContain('client-secret');
    });
  });
});
