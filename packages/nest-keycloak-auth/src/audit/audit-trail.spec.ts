import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { toPrincipal } from '../principal.js';
import { AUTH_CHANNELS, type AuthDecisionMessage } from '../telemetry/auth-channels.js';
import { stageOf, type AuditedRequest } from './audit-entry.js';
import { AuditTrail } from './audit-trail.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

function trail(auditAccepted: boolean): AuditTrail {
  return new AuditTrail(
    new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'api',
      auditAccepted,
    }),
  );
}

function request(): AuditedRequest & { headers: Record<string, string> } {
  return {
    method: 'DELETE',
    url: '/items/7?access_token=secret',
    route: { path: '/items/:id' },
    ip: '203.0.113.9',
    headers: { authorization: `Bearer ${TOKEN}` },
    accessToken: TOKEN,
    user: toPrincipal({ sub: 'alice', azp: 'spa', exp: 2_000_000_000 }, 'api', 'key-1'),
  };
}

describe('AuditTrail', () => {
  let log: jest.Spied<Logger['log']>;
  let warn: jest.Spied<Logger['warn']>;
  let error: jest.Spied<Logger['error']>;
  const decisions: AuthDecisionMessage[] = [];
  const onDecision = (message: unknown) => decisions.push(message as AuthDecisionMessage);

  beforeEach(() => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    decisions.length = 0;
    subscribe(AUTH_CHANNELS.decision, onDecision);
  });

  afterEach(() => {
    unsubscribe(AUTH_CHANNELS.decision, onDecision);
    jest.restoreAllMocks();
  });

  it("names the principal's realm in the entry", () => {
    const user = toPrincipal({ sub: 'paula', exp: 2_000_000_000 }, 'api', 'key-1', 'partners');
    trail(true).accepted('authorization', { ...request(), user });
    expect(log.mock.calls[0][0]).toMatchObject({ sub: 'paula', realm: 'partners' });
  });

  it('counts an acceptance but logs nothing by default (auditAccepted off)', () => {
    trail(false).accepted('authorization', request(), { rolesRequired: ['api-admin'] });
    expect(log).not.toHaveBeenCalled();
    expect(decisions).toEqual([
      { stage: 'authorization', outcome: 'accepted', reason: 'ok', status: 200 },
    ]);
  });

  it('logs one auth_accepted entry with auditAccepted, never the token or the query', () => {
    trail(true).accepted('authorization', request(), { rolesRequired: ['api-admin'] });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toEqual({
      event: 'auth_accepted',
      stage: 'authorization',
      outcome: 'accepted',
      reason: 'ok',
      status: 200,
      method: 'DELETE',
      route: '/items/:id',
      ip: '203.0.113.9',
      sub: 'alice',
      azp: 'spa',
      kid: 'key-1',
      rolesRequired: ['api-admin'],
    });
    expect(JSON.stringify(log.mock.calls)).not.toContain(TOKEN.split('.')[1]);
  });

  it('logAccepted logs without counting again', () => {
    trail(true).logAccepted('authentication', request());
    expect(log).toHaveBeenCalledTimes(1);
    expect(decisions).toEqual([]);
  });

  it('logs a refusal at WARN with the roles the route required, and counts it', () => {
    const refusal = new AuthError(AuthErrorCode.InsufficientRoles, {
      missingRoles: ['api-admin'],
      requiredRoles: ['api-admin'],
    });
    trail(false).refused(request(), refusal, 403);
    expect(warn.mock.calls[0][0]).toMatchObject({
      event: 'auth_refused',
      stage: 'authorization',
      outcome: 'refused',
      reason: 'ERR_AUTH_INSUFFICIENT_ROLES',
      status: 403,
      rolesRequired: ['api-admin'],
      sub: 'alice',
    });
    expect(decisions).toEqual([
      {
        stage: 'authorization',
        outcome: 'refused',
        reason: 'ERR_AUTH_INSUFFICIENT_ROLES',
        status: 403,
      },
    ]);
  });

  it('logs a 5xx refusal at ERROR, with the kid of the refused token', () => {
    const refusal = new AuthError(AuthErrorCode.KeysUnavailable, { kid: 'rotated-key' });
    trail(false).refused(request(), refusal, 503);
    expect(warn).not.toHaveBeenCalled();
    expect(error.mock.calls[0][0]).toMatchObject({ status: 503, kid: 'rotated-key' });
  });

  it.each([
    [AuthErrorCode.MissingToken, 'authentication'],
    [AuthErrorCode.TooManyFailures, 'authentication'],
    [AuthErrorCode.InsufficientRoles, 'authorization'],
    [AuthErrorCode.NotOwner, 'authorization'],
    [AuthErrorCode.Inactive, 'introspection'],
    [AuthErrorCode.IntrospectionUnavailable, 'introspection'],
  ])('files %s under %s', (code, stage) => {
    expect(stageOf(code)).toBe(stage);
  });
});
