import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuthSettings } from '../auth-settings.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { LogoutJtiStore } from './logout-jti-store.js';
import { LogoutRefusal, LogoutRefusalCode } from './logout-refusal.js';
import { LogoutTokenValidator, type ValidLogoutToken } from './logout-token.validator.js';

/** What the receiver reads of a request, on Express and on Fastify alike. */
export interface LogoutRequest {
  ip?: string;
}

/**
 * Applies OIDC Back-Channel Logouts: validates the logout token, refuses a replayed `jti`,
 * revokes the session (or the subject's earlier tokens) and records each outcome in the audit
 * trail. Failures are not authentication failures: they never count toward `authFailureLimit`.
 */
@Injectable()
export class BackchannelLogoutReceiver {
  private readonly logger = new Logger('BackchannelLogout');

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(LogoutTokenValidator) private readonly validator: LogoutTokenValidator,
    @Inject(LogoutJtiStore) private readonly jtis: LogoutJtiStore,
    @Inject(RevocationList) private readonly revocations: RevocationList,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /** Whether logouts are received at all (`backchannelLogoutAudiences` is set). */
  get enabled(): boolean {
    return this.settings.backchannelLogoutAudiences.length > 0;
  }

  /** Applies the logout token; resolves undefined when applied, else why it was refused. */
  async receive(
    token: string | undefined,
    request: LogoutRequest,
  ): Promise<LogoutRefusalCode | undefined> {
    let logout: ValidLogoutToken | undefined;
    try {
      if (token === undefined) throw new LogoutRefusal(LogoutRefusalCode.InvalidRequest);
      logout = await this.validator.validate(token);
      const untilMs = (logout.exp + this.settings.clockToleranceSeconds) * 1000;
      if (!(await this.jtis.remember(logout.realm, logout.jti, untilMs))) {
        throw new LogoutRefusal(LogoutRefusalCode.Replayed);
      }
      await this.revocations.revoke(logout);
    } catch (error) {
      // Anything but a refusal (a store that failed) is refused as well: never a 500.
      const code = error instanceof LogoutRefusal ? error.code : this.unexpected(error);
      this.audit.backchannelLogout({
        ...fields(request, logout),
        outcome: 'refused',
        reason: code,
        status: 400,
      });
      return code;
    }
    this.audit.backchannelLogout({
      ...fields(request, logout),
      outcome: 'applied',
      reason: 'ok',
      status: 200,
    });
    return undefined;
  }

  private unexpected(error: unknown): LogoutRefusalCode {
    this.logger.error(`Could not apply a logout: ${(error as Error)?.name ?? 'unknown error'}`);
    return LogoutRefusalCode.Unavailable;
  }
}

function fields(request: LogoutRequest, logout: ValidLogoutToken | undefined) {
  return {
    ip: request.ip,
    ...(logout && { realm: logout.realm, hasSid: !!logout.sid, hasSub: !!logout.sub }),
  };
}
