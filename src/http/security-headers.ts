import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import { oauth2Scheme } from 'nest-keycloak-auth/swagger';
import { docsDirectives, graphiqlDirectives } from './content-security-policy.js';

/** What the security headers need from the settings. */
export interface SecurityHeadersSettings {
  /** `HSTS_MAX_AGE_SECONDS`: Strict-Transport-Security's max-age; 0 sends none. */
  hstsMaxAgeSeconds: number;
}

/** One response header: lower-case name (as Fastify keeps them), value. */
export type Header = readonly [name: string, value: string];

/**
 * The headers of every API answer (JSON, or empty), worked out once at start-up: the OWASP REST
 * Security Cheat Sheet's set for an API, not helmet's set for HTML pages (docs/decisions.md).
 * Nothing is cached, nothing loads or frames, nothing is sniffed, and HSTS when configured.
 */
export function apiSecurityHeaders(settings: SecurityHeadersSettings): readonly Header[] {
  const headers: Header[] = [
    ['cache-control', 'no-store'],
    ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
    ['cross-origin-resource-policy', 'same-origin'],
    ['referrer-policy', 'no-referrer'],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
  ];
  const maxAge = settings.hstsMaxAgeSeconds;
  if (maxAge > 0) headers.push(['strict-transport-security', `max-age=${maxAge}`]);
  return Object.freeze(headers);
}

/**
 * Helmet's full set for Swagger UI's pages and files at /docs/: its CSP, HSTS when configured,
 * and no Cross-Origin-Opener-Policy, because the sign-in popup passes through Keycloak's origin
 * and must still reach `window.opener` when it returns. The CSP names Keycloak's origin as
 * discovery has it on each request, so helmet runs per request (few requests: people, not the
 * API's traffic).
 */
export function docsSecurityHeaders(app: INestApplication, settings: SecurityHeadersSettings) {
  const discovery = app.get(OidcDiscoveryService);
  // The token endpoint Swagger UI is given (src/openapi/openapi-document.ts), as it is now.
  const keycloakOrigin = (): string => {
    const tokenUrl = oauth2Scheme(discovery.endpoints).flows?.authorizationCode?.tokenUrl;
    return new URL(tokenUrl ?? discovery.endpoints.tokenEndpoint).origin;
  };
  const maxAge = settings.hstsMaxAgeSeconds;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: docsDirectives(keycloakOrigin) },
    crossOriginOpenerPolicy: false,
    strictTransportSecurity: maxAge > 0 ? { maxAge, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
}

/** Helmet for the GraphiQL page (outside production): its own CSP, no caching, HSTS when set. */
export function graphiqlSecurityHeaders(settings: SecurityHeadersSettings) {
  const maxAge = settings.hstsMaxAgeSeconds;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: graphiqlDirectives() },
    strictTransportSecurity: maxAge > 0 ? { maxAge, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
}
