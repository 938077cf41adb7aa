import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { failureCause, httpStatusOf } from '../http-failure.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { RealmDirectory } from '../realms/realm-directory.js';
import { timeKeycloakRequest } from '../telemetry/auth-channels.js';
import { PolicyDecisionClient, type PolicyDecision } from './policy-decision.client.js';

/** The UMA grant Keycloak Authorization Services answers on its token endpoint. */
const UMA_TICKET = 'urn:ietf:params:oauth:grant-type:uma-ticket';

/**
 * Asks Keycloak's token endpoint for a decision (UMA grant, `audience` = this API's client,
 * `response_mode=decision`) with the caller's own token: 200 `{"result": true}` grants, 403
 * denies; a 400 `invalid_resource`/`invalid_scope` is a misconfiguration (logged at ERROR,
 * naming the permission); a 401 means Keycloak no longer accepts the token; anything else,
 * or no answer within the timeout, is unavailability. Never grants on doubt.
 */
@Injectable()
export class KeycloakPolicyDecisionClient extends PolicyDecisionClient {
  private readonly logger = new Logger('Authorization');

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
    @Optional() @Inject(RealmDirectory) private readonly realms?: RealmDirectory,
  ) {
    super();
  }

  async decide(
    token: string,
    permission: string,
    _expiresAt?: number,
    realm?: string,
  ): Promise<PolicyDecision> {
    // The token's own realm decides: its client `clientId` holds that realm's policies.
    const discovery = this.realms?.byName(realm)?.discovery ?? this.discovery;
    const url = discovery.endpoints.tokenEndpoint;
    const body = new URLSearchParams({
      grant_type: UMA_TICKET,
      audience: this.settings.clientId,
      permission,
      response_mode: 'decision',
    });
    try {
      const response = await timeKeycloakRequest('authorization', () =>
        firstValueFrom(
          this.http.post<unknown>(url, body.toString(), {
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/x-www-form-urlencoded',
            },
            timeout: this.settings.authzTimeoutMs,
            validateStatus: (status) => status === 200 || status === 403,
          }),
        ),
      );
      if (response.status === 403) return 'denied';
      if ((response.data as { result?: unknown } | null)?.result === true) return 'granted';
      // 200 without `result: true` is not a grant.
      return 'denied';
    } catch (error) {
      throw this.failure(error, url, permission);
    }
  }

  private failure(error: unknown, url: string, permission: string): AuthError {
    const status = httpStatusOf(error);
    if (status === 400) {
      const code = (error as { response?: { data?: { error?: unknown } } }).response?.data?.error;
      this.logger.error({
        event: 'authorization_misconfigured',
        permission,
        keycloakError: typeof code === 'string' ? code : 'invalid_request',
        message: `Keycloak knows no permission ${permission} for client ${this.settings.clientId}: check the resource and scope names in its Authorization settings`,
      });
      return new AuthError(AuthErrorCode.UnknownPermission, { permissions: [permission] });
    }
    if (status === 401) return new AuthError(AuthErrorCode.Inactive);
    this.logger.error(`Authorization decision failed: ${failureCause(error, url)}`);
    return new AuthError(AuthErrorCode.AuthorizationUnavailable, { retryAfterSeconds: 5 });
  }
}
