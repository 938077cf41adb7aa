import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { GraphqlResult } from '../../src/testing/index.js';

/** One GraphQL request over HTTP: status, `WWW-Authenticate` and body. */
export interface GraphqlAnswer {
  status: number;
  challenge: string | string[] | undefined;
  body: GraphqlResult & Record<string, unknown>;
}

/** POSTs `query` to `/graphql`, with `Authorization` when given (`Bearer <token>` or the whole value). */
export async function postGraphql(
  app: INestApplication,
  query: string,
  options: { token?: string; authorization?: string; variables?: Record<string, unknown> } = {},
): Promise<GraphqlAnswer> {
  const test = request(app.getHttpServer())
    .post('/graphql')
    .set('Content-Type', 'application/json')
    .send({ query, variables: options.variables });
  const authorization =
    options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) void test.set('Authorization', authorization);
  const response = await test;
  return {
    status: response.status,
    challenge: response.headers['www-authenticate'] as string | string[] | undefined,
    body: response.body as GraphqlAnswer['body'],
  };
}
