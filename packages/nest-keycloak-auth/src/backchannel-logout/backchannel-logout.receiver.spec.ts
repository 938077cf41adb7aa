import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { BackchannelLogoutReceiver } from './backchannel-logout.receiver.js';
import { LogoutJtiStore } from './logout-jti-store.js';
import { LogoutRefusal, LogoutRefusalCode as Code } from './logout-refusal.js';
import type { LogoutTokenValidator, ValidLogoutToken } from './logout-token.validator.js';

const LOGOUT: ValidLogoutToken = { realm: 'demo', sid: 's1', iat: 100, exp: 220, jti: 'j1' };

describe('BackchannelLogoutReceiver', () => {
  const validate = jest.fn<LogoutTokenValidator['validate']>();
  const remember = jest.fn<LogoutJtiStore['remember']>();
  const revoke = jest.fn<RevocationList['revoke']>();
  const audit = jest.fn<AuditTrail['backchannelLogout']>();
  let receiver: BackchannelLogoutReceiver;

  beforeEach(() => {
    jest.restoreAllMocks();
    jest.resetAllMocks();
    validate.mockResolvedValue(LOGOUT);
    remember.mockResolvedValue(true);
    revoke.mockResolvedValue(undefined);
    const settings = new AuthSettings({
      serverUrl: 'http://kc.test',
      realm: 'demo',
      clientId: 'api',
      backchannelLogoutAudiences: ['web'],
      clockToleranceSeconds: 30,
    });
    receiver = new BackchannelLogoutReceiver(
      settings,
      { validate } as unknown as LogoutTokenValidator,
      { remember },
      { revoke } as unknown as RevocationList,
      { backchannelLogout: audit } as unknown as AuditTrail,
    );
  });

  it('remembers the jti until exp plus the tolerance, revokes, and audits the logout', async () => {
    await expect(receiver.receive('t', { ip: '10.0.0.1' })).resolves.toBeUndefined();
    expect(remember).toHaveBeenCalledWith('demo', 'j1', 250_000);
    expect(revoke).toHaveBeenCalledWith(LOGOUT);
    expect(audit).toHaveBeenCalledWith({
      ip: '10.0.0.1',
      realm: 'demo',
      hasSid: true,
      hasSub: false,
      outcome: 'applied',
      reason: 'ok',
      status: 200,
    });
  });

  it('refuses a replayed jti without revoking again', async () => {
    remember.mockResolvedValue(false);
    await expect(receiver.receive('t', {})).resolves.toBe(Code.Replayed);
    expect(revoke).not.toHaveBeenCalled();
    expect(audit).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'refused', reason: Code.Replayed, status: 400 }),
    );
  });

  it('refuses a request without a token before validating anything', async () => {
    await expect(receiver.receive(undefined, {})).resolves.toBe(Code.InvalidRequest);
    expect(validate).not.toHaveBeenCalled();
  });

  it("passes the validator's refusal on, audited without realm or subject", async () => {
    validate.mockRejectedValue(new LogoutRefusal(Code.NoncePresent));
    await expect(receiver.receive('t', { ip: '10.0.0.1' })).resolves.toBe(Code.NoncePresent);
    expect(audit).toHaveBeenCalledWith({
      ip: '10.0.0.1',
      outcome: 'refused',
      reason: Code.NoncePresent,
      status: 400,
    });
  });

  it('refuses, never throws, when a store fails (no 500), and logs the error', async () => {
    const logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    remember.mockRejectedValue(new TypeError('store down'));
    await expect(receiver.receive('t', {})).resolves.toBe(Code.Unavailable);
    expect(revoke).not.toHaveBeenCalled();
    expect(logError).toHaveBeenCalledWith('Could not apply a logout: TypeError');
  });
});
