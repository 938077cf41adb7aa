import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { firstValueFrom } from 'rxjs';
import { timeKeycloakRequest } from '../telemetry/auth-channels.js';
import { AuthSettings } from '../auth-settings.js';
import { failureCause, httpStatusOf } from '../http-failure.js';
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
  /** The cause of the last failed discovery, logged once until it changes or discovery works. */
  private lastFailure?: string;

  private destroyed = false;
  private readonly issuerListeners: Array<(issuer: string) => void> = [];

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

  /**
   * Why the last discovery failed, in words (the same as its log line), while it has not
   * succeeded since; undefined otherwise. For readiness checks and diagnostics.
   */
  get failure(): string | undefined {
    return this.lastFailure;
  }

  /** Calls `listener` with the new issuer each time discovery changes it. */
  onIssuerChange(listener: (issuer: string) => void): void {
    this.issuerListeners.push(listener);
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
      const response = await timeKeycloakRequest('discovery', () =>
        firstValueFrom(this.http.get<unknown>(url, { timeout: this.settings.httpTimeoutMs })),
      );
      const found = endpointsFromDiscovery(response.data, deriveEndpoints(this.settings.realmUrl));
      const pinned = this.settings.issuer;
      this.mismatch = pinned !== undefined && found.issuer !== pinned;
      if (this.mismatch) {
        // Retried like a failed discovery: the realm's hostname may be corrected.
        this.logger.error({ event: 'issuer_mismatch', discovered: found.issuer, expected: pinned });
        this.lastFailure = `the discovered issuer ${found.issuer} is not the expected ${pinned}`;
        return false;
      }
      const changed = found.issuer !== this.current.issuer;
      this.current = found;
      this.discovered = true;
      if (changed) this.issuerListeners.forEach((listener) => listener(found.issuer));
      if (this.lastFailure !== undefined) this.logger.log('Keycloak discovery succeeded');
      this.lastFailure = undefined;
      return true;
    } catch (error) {
      this.reportFailure(error, url);
      return false;
    }
  }

  /**
   * Logs a failed discovery at ERROR, naming the cause, once per cause: retries that fail the
   * same way say nothing more, and a different failure is logged again.
   */
  private reportFailure(error: unknown, url: string): void {
    const status = httpStatusOf(error);
    const cause =
      status === 404
        ? `realm ${this.settings.realm} not found (${url} answered HTTP 404): check KEYCLOAK_URL (Keycloak 17 and later serve no /auth path) and KEYCLOAK_REALM`
        : failureCause(error, url);
    if (cause === this.lastFailure) return;
    this.lastFailure = cause;
    this.logger.error(
      `Keycloak discovery failed: ${cause}. Using the endpoints derived from KEYCLOAK_URL meanwhile; retrying every ${this.settings.discoveryRetryMs / 1000}s`,
    );
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
