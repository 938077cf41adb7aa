import { HttpService } from '@nestjs/axios';
import {
  BadGatewayException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { timeKeycloakRequest } from '../telemetry/auth-channels.js';
import { AuthSettings } from '../auth-settings.js';
import { CREDENTIALS_REFUSED } from '../filters/auth-error.mapping.js';
import { credentialsRefusedLog, failureCause, isCredentialsRefusal } from '../http-failure.js';
import { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';

/**
 * Refresh this long before the token's expiry (at most half its lifetime, so short-lived
 * tokens are still reused), so a token is never sent at its last second.
 */
const EXPIRY_MARGIN_MS = 30_000;

interface CachedToken {
  value: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * This API's own service-account token (client-credentials grant), for calls such as the
 * Admin REST API. Cached until shortly before it expires; concurrent callers share one request.
 */
@Injectable()
export class ServiceTokenClient implements OnApplicationBootstrap {
  private readonly logger = new Logger('ServiceToken');
  private cached?: CachedToken;
  private inflight?: Promise<CachedToken>;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(OidcDiscoveryService) private readonly discovery: OidcDiscoveryService,
  ) {}

  /**
   * A valid access token for this client; throws 502 when Keycloak will not issue one, with
   * its own message when Keycloak refused this API's client credentials (HTTP 401).
   */
  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && cached.refreshAt > Date.now()) return cached.value;
    this.inflight ??= this.request().finally(() => (this.inflight = undefined));
    try {
      this.cached = await this.inflight;
    } catch (error) {
      // A failed early refresh must not fail the caller while the old token is still valid.
      if (cached && cached.expiresAt > Date.now() && this.cached === cached) return cached.value;
      throw error;
    }
    return this.cached.value;
  }

  /** Forgets the cached token (e.g. after the Admin API refused it). */
  invalidate(): void {
    this.cached = undefined;
  }

  /**
   * Start-up check: with a client secret set and Keycloak's discovery answered, asks once for a
   * token, so a refused client id or secret is logged at ERROR while the app starts rather than
   * on the first request that needs it. Only a 401 is reported (a client without service
   * accounts is a valid setup), and the token is not kept.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.clientSecret || this.discovery.failure !== undefined) return;
    const url = this.discovery.endpoints.tokenEndpoint;
    try {
      await this.post(url);
    } catch (error) {
      if (!isCredentialsRefusal(error)) return;
      this.logger.error(
        `${credentialsRefusedLog('token', url, this.settings.clientId)} (start-up check)`,
      );
    }
  }

  /** The client-credentials grant's answer body; throws as axios does on a failed call. */
  private async post(url: string): Promise<unknown> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    const { data } = await timeKeycloakRequest('token', () =>
      firstValueFrom(
        this.http.post<unknown>(url, body.toString(), {
          auth: { username: this.settings.clientId, password: this.settings.clientSecret },
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          timeout: this.settings.httpTimeoutMs,
        }),
      ),
    );
    return data;
  }

  private async request(): Promise<CachedToken> {
    const url = this.discovery.endpoints.tokenEndpoint;
    try {
      const data = await this.post(url);
      const { access_token: value, expires_in: expiresIn } = (data ?? {}) as Record<
        string,
        unknown
      >;
      if (typeof value !== 'string' || typeof expiresIn !== 'number') {
        throw new TypeError('token response without access_token/expires_in');
      }
      const now = Date.now();
      const lifetimeMs = expiresIn * 1000;
      this.logger.log({
        event: 'service_token_refreshed',
        outcome: 'success',
        clientId: this.settings.clientId,
        expiresInSeconds: expiresIn,
      });
      return {
        value,
        refreshAt: now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
        expiresAt: now + lifetimeMs,
      };
    } catch (error) {
      const refused = isCredentialsRefusal(error);
      this.logger.error({
        event: 'service_token_refreshed',
        outcome: 'failure',
        clientId: this.settings.clientId,
        message: refused
          ? credentialsRefusedLog('token', url, this.settings.clientId)
          : `Service-account token request failed: ${failureCause(error, url)}`,
      });
      if (refused) throw new BadGatewayException(CREDENTIALS_REFUSED);
      throw new BadGatewayException('Failed to obtain a service-account token from Keycloak');
    }
  }
}
