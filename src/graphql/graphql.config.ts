import { registerAs } from '@nestjs/config';

/** The GraphQL endpoint's settings. */
export interface GraphqlConfig {
  /**
   * Schema introspection and the GraphiQL page, public: on unless `NODE_ENV=production`,
   * where both are off and error messages stop suggesting field names.
   */
  devTools: boolean;
}

/** Reads the settings from the environment. */
export function readGraphqlConfig(env: NodeJS.ProcessEnv): GraphqlConfig {
  return { devTools: env.NODE_ENV !== 'production' };
}

/** `graphql` config namespace. */
export const graphqlConfig = registerAs('graphql', () => readGraphqlConfig(process.env));
