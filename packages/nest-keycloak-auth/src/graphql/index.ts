// `nest-keycloak-auth/graphql`: what a GraphQL app adds (@nestjs/graphql with graphql-ws). The
// guards, decorators and filter need nothing from here; these two check the token where a
// guard cannot: before an HTTP operation executes, and when a socket connects.
export { GraphqlAuthModule } from './graphql-auth.module.js';
export { GraphqlTokenMiddleware } from './graphql-token.middleware.js';
export { checkGraphqlTokensOnFastify } from './graphql-token.fastify.js';
export {
  GraphqlSocketAuth,
  UNAUTHORIZED_CLOSE,
  type GraphqlSocketHooks,
  type SocketExtra,
  type SocketRequest,
} from './graphql-socket-auth.js';
