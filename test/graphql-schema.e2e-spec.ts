import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { createTestApp } from './support/test-app.js';

/**
 * schema.gql is the contract GraphQL clients generate their types from: it must be the schema
 * the app serves, as openapi.json must be its REST document.
 */
describe('the GraphQL schema', () => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak);
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it('is the committed schema.gql (after changing a resolver, run `npm run graphql:schema`)', () => {
    const served = printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema));
    expect(`${served}\n`).toBe(readFileSync('schema.gql', 'utf8'));
  });
});
