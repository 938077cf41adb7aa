import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { writeFileSync } from 'node:fs';
import { RESOLVERS } from './resolvers.js';

/** Where the committed schema lives, beside openapi.json. */
export const SCHEMA_FILE = 'schema.gql';

/**
 * `npm run graphql:schema [-- FILE]`: writes the schema the app serves at /graphql to FILE
 * (default schema.gql, the committed contract), from the resolvers alone: no Keycloak, no
 * database. Sorted as the app sorts it (`sortSchema`); test/graphql-schema.e2e-spec.ts fails
 * when the app's schema and the file differ.
 */
async function writeSchema(file: string): Promise<void> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: ['error', 'warn'] });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(RESOLVERS);
    writeFileSync(file, printSchema(lexicographicSortSchema(schema)) + '\n');
  } finally {
    await app.close();
  }
  process.stdout.write(`Wrote ${file}\n`);
}

writeSchema(process.argv[2] ?? SCHEMA_FILE).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
