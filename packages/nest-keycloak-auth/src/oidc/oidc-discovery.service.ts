import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { firstValueFrom } from 'rxjs';
import { AuthSettings } from '../auth-settings.js';
import { describeHttpFailure } from '../http-failure.js';
import { deriveEndpoints, endpointsFromDiscovery, type OidcEndpoints } from './oidc-endpoints.js';

/**
 * Knows the realm's endpoints. At start-up it reads the discovery document once; when
 * Keycloak cannot be reached it serves the derived endpoints and retries in the background:
 * start-up waits at most one HTTP timeout for it (a refused connection fails at once).
 */
@Injectable()
export class OidcDiscoveryService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OidcDiscovery');
  private current: OidcEndpoints;
  private retryTimer?: NodeJS.Timeout;
  private discovered = false;
  private mismatch = false;

  private destroyed = false;

  constructor(
    @Inject(AuthSettings) private readonly settings: AuthSettings,
    @Inject(HttpService) private readonly http: HttpService,
  ) {
    this.current = deriveEndpoints(settings.realmUrl, settings.issuer);
  }

  /** The endpoints in force: discovered, or derived until discovery succeeds. */
  get endpoints(): OidcEndpoints {
    return this.current;
  }

  /** Whether the discovery document has been read. */
  get isDiscovered(): boolean {
    return this.discovered;
  }

  /**
   * Discovery reported another issuer than the pinned `issuer` option: the realm behind
   * `serverUrl` is not the one tokens must come from, so no token is accepted until it agrees.
   */
  get issuerMismatch(): boolean {
    return this.mismatch;
  }

  async onModuleInit(): Promise<void> {
    if (this.settings.discovery && !(await this.discover())) this.scheduleRetry();
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
  }

  /** Fetches the discovery document once; true on success. */
  async discover(): Promise<boolean> {
    const url = `${this.settings.realmUrl}/.well-known/openid-configuration`;
    try {
      const response = await firstValueFrom(
        this.http.get<unknown>(url, { timeout: this.settings.httpTimeoutMs }),
      );
      const found = endpointsFromDiscovery(response.data, deriveEndpoints(this.settings.realmUrl));
      const pinned = this.settings.issuer;
      this.mismatch = pinned !== undefined && found.issuer !== pinned;
      if (this.mismatch) {
        // Retried like a failed discovery: the realm's hostname may be corrected.
        this.logger.error({ event: 'issuer_mismatch', discovered: found.issuer, expected: pinned });
        return false;
      }
      this.current = found;
      this.discovered = true;
      return true;
    } catch (error) {
      this.logger.warn(
        `Discovery at ${url} failed (${describeHttpFailure(error)}); using derived endpoints and retrying every ${this.settings.discoveryRetryMs / 1000}s`,
      );
      return false;
    }
  }

  private scheduleRetry(): void {
    // A retry that was in flight when the app closed must not start another one.
    if (this.destroyed) return;
    this.retryTimer = setTimeout(() => {
      void this.discover().then((ok) => ok || this.scheduleRetry());
    }, this.settings.discoveryRetryMs);
    this.retryTimer.unref();
  }
}
