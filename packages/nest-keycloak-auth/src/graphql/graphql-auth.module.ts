import { Module } from '@nestjs/common';
import { GraphqlSocketAuth } from './graphql-socket-auth.js';
import { GraphqlTokenMiddleware } from './graphql-token.middleware.js';

/**
 * Provides GraphqlSocketAuth and GraphqlTokenMiddleware (AuthModule's services do the work),
 * for `GraphQLModule.forRootAsync({ imports: [GraphqlAuthModule], inject: [GraphqlSocketAuth] })`.
 */
@Module({
  providers: [GraphqlSocketAuth, GraphqlTokenMiddleware],
  exports: [GraphqlSocketAuth, GraphqlTokenMiddleware],
})
export class GraphqlAuthModule {}
