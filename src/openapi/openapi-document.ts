import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { OidcDiscoveryService } from 'nest-keycloak-auth';
import {
  documentAuth,
  OAUTH2_SCHEME,
  oauth2Scheme,
  withOAuth2Endpoints,
} from 'nest-keycloak-auth/swagger';
import { ApiError } from '../common/api-error.dto.js';

/** Schemes every protected operation accepts: a pasted token, or a Swagger UI sign-in. */
const SECURITY_SCHEMES = ['bearer', OAUTH2_SCHEME];

/**
 * The app's OpenAPI document, built once at start-up: routes, DTOs, the shared {@link ApiError}
 * body, and the access rules `documentAuth` reads from the same metadata as the guards.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const discovery = app.get(OidcDiscoveryService);
  const options = new DocumentBuilder()
    .setTitle('Keycloak-secured API')
    .setDescription('REST API protected by Keycloak access tokens (OAuth 2.0 bearer, RFC 6750).')
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // Relative, as the spec's default is: the API wherever the document was fetched from, so
    // the contract is the same in every environment (and behind any host name).
    .addServer('/', 'This API, on the host that served the document')
    // The sign-in first: Swagger UI's Authorize dialog lists the schemes in this order.
    .addOAuth2(oauth2Scheme(discovery.endpoints), OAUTH2_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, options, { extraModels: [ApiError] });
  return documentAuth(app, document, {
    securitySchemes: SECURITY_SCHEMES,
    errorSchema: ApiError.name,
  });
}

/**
 * The document as GET /docs-json answers right now: its OAuth2 URLs on the realm's endpoints
 * in force (discovery runs after the document is built and may succeed only later).
 */
export function servedOpenApiDocument(
  app: INestApplication,
  document: OpenAPIObject,
): OpenAPIObject {
  return withOAuth2Endpoints(document, app.get(OidcDiscoveryService).endpoints);
}
