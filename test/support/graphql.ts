import type { INestApplication } from '@nestjs/common';
import { defer, Subject, type Observable } from 'rxjs';
import request from 'supertest';
import { ItemEvents } from '../../src/items/item-events.js';
import type { GraphqlResult } from 'nest-keycloak-auth/testing';

/** One GraphQL request over HTTP: status, headers and body. */
export interface GraphqlAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: GraphqlResult & Record<string, unknown>;
}

/** POSTs `query` to /graphql, with `Authorization: Bearer <token>` when a token is given. */
export async function graphql(
  app: INestApplication,
  query: string,
  token?: string,
  variables?: Record<string, unknown>,
): Promise<GraphqlAnswer> {
  const test = request(app.getHttpServer()).post('/graphql').send({ query, variables });
  if (token !== undefined) void test.set('Authorization', `Bearer ${token}`);
  const response = await test;
  return {
    status: response.status,
    headers: response.headers,
    body: response.body as GraphqlAnswer['body'],
  };
}

/** The app's graphql-ws URL once it listens (`app.listen(0, '127.0.0.1')`). */
export async function socketUrlOf(app: INestApplication): Promise<string> {
  return `${(await app.getUrl()).replace(/^http/, 'ws').replace('[::1]', '127.0.0.1')}/graphql`;
}

/** ItemEvents whose `created$` says when a subscriber arrives, so a test awaits it, not a timer. */
export function observedEvents(): { events: ItemEvents; subscribed: Observable<void> } {
  const events = new ItemEvents();
  const subscribed = new Subject<void>();
  const created$ = events.created$;
  Object.defineProperty(events, 'created$', {
    value: defer(() => {
      queueMicrotask(() => subscribed.next());
      return created$;
    }),
  });
  return { events, subscribed };
}
