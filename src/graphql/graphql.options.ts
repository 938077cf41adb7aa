import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphqlSocketAuth } from 'nest-keycloak-auth/graphql';
import type { GraphqlConfig } from './graphql.config.js';
import { formatError } from './graphql-errors.js';
import { operationLimits } from './operation-limits.rule.js';

/** Where GraphQL answers, over HTTP and graphql-ws. */
export const GRAPHQL_PATH = '/graphql';

/** Deeper or wider operations are refused before they run (see operationLimits). */
export const OPERATION_LIMITS = { maxDepth: 10, maxFields: 200 } as const;

/**
 * GraphQLModule's options: Apollo on Express and Fastify alike, the schema built from the
 * resolvers in memory (`npm run graphql:schema` writes the committed schema.gql), the guards,
 * interceptors and filters on every field (Nest runs them only on root fields otherwise), the
 * library's socket authentication, and errors that never carry internal text.
 */
export function graphqlOptions(
  config: GraphqlConfig,
  sockets: GraphqlSocketAuth,
): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    fieldResolverEnhancers: ['guards', 'interceptors', 'filters'],
    introspection: config.devTools,
    graphiql: config.devTools,
    hideSchemaDetailsFromClientErrors: !config.devTools,
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules: [operationLimits(OPERATION_LIMITS)],
    context: sockets.context,
    subscriptions: { 'graphql-ws': sockets.hooks() },
  };
}
