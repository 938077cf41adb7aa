// `nest-keycloak-auth/swagger`: OpenAPI marking and Swagger UI sign-in (needs @nestjs/swagger).
export { documentAuth, type DocumentAuthOptions } from './document-auth.js';
export {
  AUTH_ERROR_BODY,
  DEFAULT_ERROR_SCHEMA,
  errorExample,
  RETRY_AFTER,
  WWW_AUTHENTICATE,
  type ErrorBodyExample,
} from './error-responses.js';
export {
  OAUTH2_SCHEME,
  oauth2Scheme,
  swaggerLoginOptions,
  withOAuth2Endpoints,
} from './swagger-login.js';
