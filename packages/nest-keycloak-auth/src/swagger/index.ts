// `nest-keycloak-auth/swagger`: OpenAPI marking and Swagger UI sign-in (needs @nestjs/swagger).
export { documentAuth } from './document-auth.js';
export {
  OAUTH2_SCHEME,
  oauth2Scheme,
  swaggerLoginOptions,
  withOAuth2Endpoints,
} from './swagger-login.js';
