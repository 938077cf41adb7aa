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
});
