import type { AuthSettings } from './auth-settings.js';

/**
 * A read-only view of where the module talks to Keycloak, for app code that calls other
 * Keycloak APIs (the Admin REST API, say) with the service-account token.
 */
export abstract class KeycloakRealm {
  /** Keycloak base URL for back-channel calls, without a trailing slash. */
  abstract readonly serverUrl: string;
  /** The realm name. */
  abstract readonly realm: string;
  /** This API's client id. */
  abstract readonly clientId: string;
  /** Timeout the module uses for its own calls to Keycloak, in ms. */
  abstract readonly httpTimeoutMs: number;
  /** `{serverUrl}/admin/realms/{realm}{path}`, the realm's Admin REST API. */
  abstract adminUrl(path: string): string;
}

/** The view of the module's settings. */
export function keycloakRealmOf(settings: AuthSettings): KeycloakRealm {
  const base = `${settings.serverUrl}/admin/realms/${encodeURIComponent(settings.realm)}`;
  return Object.freeze({
    serverUrl: settings.serverUrl,
    realm: settings.realm,
    clientId: settings.clientId,
    httpTimeoutMs: settings.httpTimeoutMs,
    adminUrl: (path: string) => `${base}${path}`,
  });
}
