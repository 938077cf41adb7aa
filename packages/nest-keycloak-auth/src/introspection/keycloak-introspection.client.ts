import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { timeKeycloakRequest } from '../telemetry/auth-channels.js';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import { credentialsRefusedLog, failureCause, isCredentialsRefusal } from '../http-failure.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { RealmDirectory } from '../realms/realm-directory.js';
import { IntrospectionClient, type IntrospectedClaims } from './introspection.client.js';

/**
 * Asks Keycloak's token introspection endpoint (RFC 7662) whether a token is still active: the
 * endpoint of the token's own realm, with this API's client id and secret.
 */
@Injectable()
export class KeycloakIntrospectionClient extends IntrospectionClient {
  private readonly logger = new Logger('Introspection');

  constructor(
    @Inject(AuthSettings) protected readonly settings: AuthSettings,
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
    @Optional() @Inject(RealmDirectory) private readonly realms?: RealmDirectory,
  ) {
    super();
  }

  /**
   * True when Keycloak says the token is active. Throws ClientCredentialsRefused when Keycloak
   * answers 401 (this API's client id or secret is wrong), else IntrospectionUnavailable when
   * it cannot be reached, times out, or answers anything but 200 with a JSON `active` boolean.
   */
  async isActive(token: string, _expiresAt?: number, realm?: string): Promise<boolean> {
    return (await this.ask(token, realm)).active === true;
  }

  override async introspect(
    token: string,
    _expiresAt?: number,
    realm?: string,
  ): Promise<IntrospectedClaims | undefined> {
    const answer = await this.ask(token, realm);
    return answer.active === true ? answer : undefined;
  }

  /** Keycloak's answer, checked to carry a boolean `active`. */
  private async ask(token: string, realm: string | undefined): Promise<IntrospectedClaims> {
    const discovery = this.realms?.byName(realm)?.discovery ?? this.discovery;
    const url = discovery.endpoints.introspectionEndpoint;
    const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
    try {
      const response = await timeKeycloakRequest('introspection', () =>
        firstValueFrom(
          this.http.post<unknown>(url, body.toString(), {
            auth: { username: this.settings.clientId, password: this.settings.clientSecret },
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            timeout: this.settings.introspectionTimeoutMs,
            validateStatus: (status) => status === 200,
          }),
        ),
      );
      const answer = response.data as IntrospectedClaims | null;
      if (typeof answer?.active !== 'boolean') {
        throw new TypeError('no boolean "active" in the answer');
      }
      return answer;
    } catch (error) {
      if (isCredentialsRefusal(error)) {
        this.logger.error(credentialsRefusedLog('introspection', url, this.settings.clientId));
        throw new AuthError(AuthErrorCode.ClientCredentialsRefused);
      }
      this.logger.error(`Introspection failed: ${failureCause(error, url)}`);
      throw new AuthError(AuthErrorCode.IntrospectionUnavailable);
    }
  }
}
