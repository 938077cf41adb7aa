import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import { oauth2Scheme } from 'nest-keycloak-auth/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  API_DIRECTIVES,
  docsDirectives,
  isDocsPath,
  type Directives,
} from './content-security-policy.js';
import type { RequestStep, ResponseHeaders } from './request-step.js';

/** What {@link useSecurityHeaders} needs from the settings. */
export interface SecurityHeadersSettings {
  /** `HSTS_MAX_AGE_SECONDS`: Strict-Transport-Security's max-age; 0 sends none. */
  hstsMaxAgeSeconds: number;
}

/** Where SwaggerModule serves the UI (configureApp's `setUpDocs`). */
export const DOCS_PATH = '/docs';

/**
 * The helmet options this app sets (a subset of HelmetOptions, whose union of old and new option
 * names is too large for TypeScript to spread): helmet's defaults, plus these.
 */
interface HeaderOptions {
  contentSecurityPolicy: { useDefaults: false; directives: Directives };
  strictTransportSecurity: { maxAge: number; includeSubDomains: false } | false;
  xFrameOptions: { action: 'deny' };
  crossOriginOpenerPolicy?: false;
}

/** Helmet's headers with the API's own CSP, and HSTS only when configured. */
function apiOptions(settings: SecurityHeadersSettings): HeaderOptions {
  const maxAge = settings.hstsMaxAgeSeconds;
  return {
    contentSecurityPolicy: { useDefaults: false, directives: API_DIRECTIVES },
    strictTransportSecurity: maxAge > 0 ? { maxAge, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  };
}

/**
 * Swagger UI's: its CSP, and no Cross-Origin-Opener-Policy, because the sign-in popup passes
 * through Keycloak's origin and must still reach `window.opener` when it returns.
 */
function docsOptions(app: INestApplication, api: HeaderOptions): HeaderOptions {
  const discovery = app.get(OidcDiscoveryService);
  // The token endpoint Swagger UI is given (src/openapi/openapi-document.ts), as it is now.
  const keycloakOrigin = (): string => {
    const tokenUrl = oauth2Scheme(discovery.endpoints).flows?.authorizationCode?.tokenUrl;
    return new URL(tokenUrl ?? discovery.endpoints.tokenEndpoint).origin;
  };
  const directives = docsDirectives(keycloakOrigin);
  return {
    ...api,
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginOpenerPolicy: false,
  };
}

/** One header as helmet sets it. */
type Header = readonly [name: string, value: string];

/**
 * The headers helmet sends with these options, worked out once: none of them depends on the
 * request (the API's CSP has no nonce and no function), so running helmet's middleware chain on
 * each request would only rebuild the same strings. Helmet stays the source of every value. Its
 * one removal, X-Powered-By, is left out: src/http-adapter.ts turns it off on Express, and
 * Fastify never sends it.
 */
function staticHeaders(options: HeaderOptions): readonly Header[] {
  const headers: Header[] = [];
  const recorder = {
    // Lower case: Fastify lower-cases each name it is given, and a name already in lower case is
    // a constant key of its header object (HTTP header names are case-insensitive).
    setHeader: (name: string, value: string) =>
      void headers.push([name.toLowerCase(), String(value)]),
    removeHeader: (name: string) => {
      if (name.toLowerCase() !== 'x-powered-by') throw new Error(`helmet removes ${name}`);
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    if (error) throw error as Error;
    done = true;
  });
  // Helmet's middleware is synchronous today; if a release made it wait, fail at start-up.
  if (!done) throw new Error('helmet did not finish synchronously');
  headers.push(['cache-control', 'no-store']);
  return Object.freeze(headers);
}

/** Sets `headers` on a response. */
function apply(target: ResponseHeaders, headers: readonly Header[]): void {
  for (let i = 0; i < headers.length; i++) target.header(headers[i][0], headers[i][1]);
}

/** Helmet's middleware never waits; an error it passes on is a bug to surface. */
function rethrow(error?: unknown): void {
  if (error) throw error as Error;
}

/**
 * Security headers on every answer, from helmet, as a request step (src/common/request-step.ts):
 * a strict CSP on the API, Swagger UI's own at /docs/, HSTS when `HSTS_MAX_AGE_SECONDS` is set,
 * and `Cache-Control: no-store` on everything but Swagger UI's files (see docs/operations.md).
 * The API's headers are computed once ({@link staticHeaders}); Swagger UI's CSP names Keycloak's
 * origin as discovery has it now, so those pages (few, and not the API's traffic) run helmet.
 * Not @fastify/helmet: it builds helmet's middleware chain anew for every request.
 */
export function securityHeadersStep(
  app: INestApplication,
  settings: SecurityHeadersSettings,
): RequestStep {
  const api = apiOptions(settings);
  const forApi = staticHeaders(api);
  const forDocs = helmet(docsOptions(app, api));
  return (request: IncomingMessage, headers: ResponseHeaders, response: ServerResponse) => {
    if (isDocsPath(request.url, DOCS_PATH)) forDocs(request, response, rethrow);
    else apply(headers, forApi);
    return undefined;
  };
}
