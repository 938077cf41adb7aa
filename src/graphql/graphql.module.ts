import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  Inject,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import {
  GraphqlAuthModule,
  GraphqlSocketAuth,
  GraphqlTokenMiddleware,
} from 'nest-keycloak-auth/graphql';
import { ItemsModule } from '../items/items.module.js';
import { graphqlConfig, type GraphqlConfig } from './graphql.config.js';
import { GRAPHQL_PATH, graphqlOptions } from './graphql.options.js';
import { RESOLVERS } from './resolvers.js';

/**
 * GraphQL at /graphql (HTTP and graphql-ws): `me`, the items over the same ItemsService as
 * REST, and `itemCreated`. The library's middleware checks a presented token before any
 * operation runs (on Fastify, a hook of the route instead: src/app.setup.ts); the decorators on
 * the resolvers do the rest, as on the controllers.
 */
@Module({
  imports: [
    ConfigModule.forFeature(graphqlConfig),
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [ConfigModule.forFeature(graphqlConfig), GraphqlAuthModule],
      inject: [graphqlConfig.KEY, GraphqlSocketAuth],
      useFactory: (config: GraphqlConfig, sockets: GraphqlSocketAuth) =>
        graphqlOptions(config, sockets),
    }),
    GraphqlAuthModule,
    ItemsModule,
  ],
  providers: RESOLVERS,
})
export class AppGraphqlModule implements NestModule {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  configure(consumer: MiddlewareConsumer): void {
    // Nest's Fastify middleware would run on every request: configureApp hooks the route there.
    if (this.adapterHost.httpAdapter.getType() === 'fastify') return;
    consumer
      .apply(GraphqlTokenMiddleware)
      .forRoutes({ path: GRAPHQL_PATH.slice(1), method: RequestMethod.ALL });
  }
}
