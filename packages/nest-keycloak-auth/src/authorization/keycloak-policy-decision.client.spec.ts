import { jest } from '@jest/globals';
import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import { AxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { of, throwError, type Observable } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { KeycloakPolicyDecisionClient } from './keycloak-policy-decision.client.js';

type Post = (url: string, body: string, config: AxiosRequestConfig) => Observable<unknown>;

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJl';
const settings = new AuthSettings({
  serverUrl: 'http://kc.test',
  realm: 'demo',
  clientId: 'nest-api',
  authzTimeoutMs: 1234,
});
const discovery = { endpoints: deriveEndpoints(settings.realmUrl) } as OidcDiscoveryService;

function answered(status: number, data: unknown): AxiosError {
  return new AxiosError(`token=${TOKEN}`, 'ERR_BAD_REQUEST', undefined, undefined, {
    status,
    data,
  } as AxiosResponse);
}

describe('KeycloakPolicyDecisionClient', () => {
  const post = jest.fn<Post>();
  const client = new KeycloakPolicyDecisionClient(
    settings,
    { post } as unknown as HttpService,
    discovery,
  );
  let logError: jest.Spied<Logger['error']>;

  beforeEach(() => {
    post.mockReset();
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it("asks the token endpoint for a decision with the caller's token, the UMA grant and a timeout", async () => {
    post.mockReturnValue(of({ status: 200, data: { result: true } }));
    await expect(client.decide(TOKEN, 'items#delete')).resolves.toBe('granted');
    const [url, body, config] = post.mock.calls[0];
    expect(url).toBe('http://kc.test/realms/demo/protocol/openid-connect/token');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:uma-ticket',
      audience: 'nest-api',
      permission: 'items#delete',
      response_mode: 'decision',
    });
    expect(config.headers).toMatchObject({ Authorization: `Bearer ${TOKEN}` });
    expect(config.timeout).toBe(1234);
  });

  it.each([
    ['a 403 (not_authorized)', { status: 403, data: { error: 'access_denied' } }],
    ['a 200 without result: true', { status: 200, data: { result: 'yes' } }],
    ['a 200 with an empty body', { status: 200, data: null }],
  ])('denies on %s (never grants on doubt)', async (_label, response) => {
    post.mockReturnValue(of(response));
    await expect(client.decide(TOKEN, 'items#delete')).resolves.toBe('denied');
  });

  it('turns invalid_resource / invalid_scope into UnknownPermission and an ERROR line naming it', async () => {
    post.mockReturnValue(throwError(() => answered(400, { error: 'invalid_resource' })));
    const refusal = client.decide(TOKEN, 'itemz#delete');
    await expect(refusal).rejects.toMatchObject({
      code: AuthErrorCode.UnknownPermission,
      details: { permissions: ['itemz#delete'] },
    });
    expect(logError.mock.calls[0][0]).toMatchObject({
      event: 'authorization_misconfigured',
      permission: 'itemz#delete',
      keycloakError: 'invalid_resource',
    });
    expect(JSON.stringify(logError.mock.calls)).not.toContain(TOKEN);
  });

  it('turns a 401 (Keycloak no longer accepts the token) into Inactive', async () => {
    post.mockReturnValue(throwError(() => answered(401, { error: 'invalid_grant' })));
    await expect(client.decide(TOKEN, 'items#delete')).rejects.toMatchObject({
      code: AuthErrorCode.Inactive,
    });
  });

  it.each([
    ['a timeout', new AxiosError(`token=${TOKEN}`, 'ECONNABORTED')],
    ['nothing listening', new AxiosError(`token=${TOKEN}`, 'ECONNREFUSED')],
    ['a 500', answered(500, {})],
  ])('answers %s with AuthorizationUnavailable (503), logging no token', async (_label, error) => {
    post.mockReturnValue(throwError(() => error));
    const refusal = client.decide(TOKEN, 'items#delete');
    await expect(refusal).rejects.toBeInstanceOf(AuthError);
    await expect(refusal).rejects.toMatchObject({ code: AuthErrorCode.AuthorizationUnavailable });
    expect(JSON.stringify(logError.mock.calls)).not.toContain(TOKEN);
  });
});
