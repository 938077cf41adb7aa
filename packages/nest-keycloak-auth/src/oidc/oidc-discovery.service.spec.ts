import { jest } from '@jest/globals';
import type { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import { of, Subject, throwError, type Observable } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { OidcDiscoveryService } from './oidc-discovery.service.js';

const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'nest-api',
  discoveryRetrySeconds: 30,
});
const DOCUMENT = {
  issuer: 'https://sso.example.com/realms/demo',
  jwks_uri: 'http://kc.test/realms/demo/protocol/openid-connect/certs',
};
const refused = () => throwError(() => Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));

describe('OidcDiscoveryService', () => {
  let get: jest.Mock<(url: string) => Observable<{ data: unknown }>>;
  let discovery: OidcDiscoveryService;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    get = jest.fn(refused);
    discovery = new OidcDiscoveryService(settings, { get } as unknown as HttpService);
  });

  afterEach(() => {
    discovery.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('starts on derived endpoints, then retries in the background until discovery answers', async () => {
    await discovery.onModuleInit();
    expect(discovery.endpoints.issuer).toBe('http://kc.test/realms/demo');
    expect(discovery.isDiscovered).toBe(false);

    get.mockImplementation(() => of({ data: DOCUMENT }));
    await jest.advanceTimersByTimeAsync(30_000);
    expect(get).toHaveBeenCalledTimes(2);
    expect(discovery.endpoints.issuer).toBe(DOCUMENT.issuer);

    await jest.advanceTimersByTimeAsync(300_000);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('does not schedule another retry when the app closes while one is in flight', async () => {
    await discovery.onModuleInit();
    const answer = new Subject<{ data: unknown }>();
    get.mockImplementation(() => answer.asObservable());
    await jest.advanceTimersByTimeAsync(30_000);
    expect(get).toHaveBeenCalledTimes(2);

    discovery.onModuleDestroy();
    answer.error(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
    await jest.advanceTimersByTimeAsync(300_000);
    expect(get).toHaveBeenCalledTimes(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  describe('start-up names the cause of a failed discovery, at ERROR, once per cause', () => {
    const failing = (error: object) => () => throwError(() => Object.assign(new Error('x'), error));
    const errorLines = () =>
      jest.mocked(Logger.prototype.error).mock.calls.map(([line]) => String(line));

    it.each([
      ['an unknown host', { code: 'ENOTFOUND' }, 'the host kc.test does not resolve'],
      ['a closed port', { code: 'ECONNREFUSED' }, 'nothing listens at http://kc.test'],
      ['no answer', { code: 'ECONNABORTED' }, 'http://kc.test did not answer in time'],
      [
        'an unknown realm (404)',
        { response: { status: 404 } },
        'realm demo not found (http://kc.test/realms/demo/.well-known/openid-configuration answered HTTP 404): check KEYCLOAK_URL',
      ],
      ['a server error', { response: { status: 500 } }, 'openid-configuration answered HTTP 500'],
    ])('%s', async (_label, error, cause) => {
      get.mockImplementation(failing(error));
      await discovery.onModuleInit();
      expect(errorLines()).toHaveLength(1);
      expect(errorLines()[0]).toMatch(/^Keycloak discovery failed: /);
      expect(errorLines()[0]).toContain(cause);
    });

    it('says nothing more while retries fail the same way, logs a new cause, then the recovery', async () => {
      await discovery.onModuleInit();
      await jest.advanceTimersByTimeAsync(90_000);
      expect(get).toHaveBeenCalledTimes(4);
      expect(errorLines()).toHaveLength(1);

      get.mockImplementation(failing({ response: { status: 404 } }));
      await jest.advanceTimersByTimeAsync(30_000);
      expect(errorLines()).toHaveLength(2);
      expect(errorLines()[1]).toContain('realm demo not found');
      expect(discovery.failure).toContain('realm demo not found');

      get.mockImplementation(() => of({ data: DOCUMENT }));
      await jest.advanceTimersByTimeAsync(30_000);
      expect(Logger.prototype.log).toHaveBeenCalledWith('Keycloak discovery succeeded');
      expect(discovery.failure).toBeUndefined();
    });
  });

  describe('with a pinned issuer', () => {
    const pinned = (issuer: string) =>
      new OidcDiscoveryService(
        new AuthSettings({ serverUrl: 'http://kc.test', realm: 'demo', clientId: 'api', issuer }),
        { get } as unknown as HttpService,
      );
    let error: jest.Spied<Logger['error']>;

    beforeEach(() => {
      error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      discovery.onModuleDestroy();
    });

    it('expects the pinned issuer before discovery answers, with derived back-channel endpoints', () => {
      discovery = pinned(DOCUMENT.issuer);
      expect(discovery.endpoints.issuer).toBe(DOCUMENT.issuer);
      expect(discovery.endpoints.jwksUri).toBe(
        'http://kc.test/realms/demo/protocol/openid-connect/certs',
      );
    });

    it('takes a document that reports exactly the pinned issuer', async () => {
      get.mockImplementation(() => of({ data: DOCUMENT }));
      discovery = pinned(DOCUMENT.issuer);
      await discovery.onModuleInit();
      expect(discovery.isDiscovered).toBe(true);
      expect(discovery.issuerMismatch).toBe(false);
      expect(error).not.toHaveBeenCalled();
    });

    it('refuses a document with another issuer: logs it, keeps the pin, retries', async () => {
      get.mockImplementation(() => of({ data: DOCUMENT }));
      discovery = pinned('https://login.example.com/realms/demo');
      await discovery.onModuleInit();
      expect(discovery.issuerMismatch).toBe(true);
      expect(discovery.isDiscovered).toBe(false);
      expect(discovery.endpoints.issuer).toBe('https://login.example.com/realms/demo');
      expect(error).toHaveBeenCalledWith({
        event: 'issuer_mismatch',
        discovered: DOCUMENT.issuer,
        expected: 'https://login.example.com/realms/demo',
      });

      // The realm's hostname is corrected: the next retry agrees and tokens are accepted again.
      get.mockImplementation(() =>
        of({ data: { ...DOCUMENT, issuer: 'https://login.example.com/realms/demo' } }),
      );
      await jest.advanceTimersByTimeAsync(30_000);
      expect(discovery.issuerMismatch).toBe(false);
      expect(discovery.isDiscovered).toBe(true);
    });
  });
});
