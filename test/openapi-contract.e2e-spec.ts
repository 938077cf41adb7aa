import type { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { freePort } from './support/child-app.js';
import {
  APP_ROWS,
  BAD_TOKEN_ROWS,
  DATABASE_DOWN_ROWS,
  ITEM_ROWS,
  KEYCLOAK_DOWN_ROWS,
  KNOWN_GAPS,
  TABLE_ROWS,
  type ContractRow,
  type Sender,
} from './support/contract-rows.js';
import { OpenApiContract, type OpenApiDocument } from './support/openapi-contract.js';
import { createTestApp } from './support/test-app.js';

type Tokens = Partial<Record<Sender, string>>;

/**
 * Every answer of the route table's traffic, plus bad tokens, bodies, ids and query strings,
 * Keycloak faults and a Keycloak outage, checked against the app's own /docs-json: status
 * documented, body matching its schema, declared headers sent. Also proves the committed
 * openapi.json is that document.
 */
describe.each(ADAPTERS)('%s: answers keep the OpenAPI contract (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let served: OpenApiDocument;
  let contract: OpenApiContract;
  let tokens: Tokens;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start({
      serviceAccountRoles: ['api-read'],
      realms: ['partners'],
    });
    // No introspection cache: a row's introspection fault must meet a token not asked before.
    const env = { INTROSPECTION_CACHE_TTL_SECONDS: '0', KEYCLOAK_REALMS: 'demo,partners' };
    app = await createTestApp(keycloak, { adapter, env });
    served = await servedDocument(app);
    contract = new OpenApiContract(served);
    tokens = await senderTokens(keycloak);
    // GET /items/1 of the route table.
    await send(
      app,
      TABLE_ROWS.find((row) => row.name === 'POST /items as alice')!,
      tokens,
    );
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it('is the committed openapi.json (after changing the API, run `npm run openapi`)', () => {
    const committed: unknown = JSON.parse(readFileSync('openapi.json', 'utf8'));
    expect(withoutKeycloakOrigin(served)).toEqual(withoutKeycloakOrigin(committed));
  });

  it("gives each error response an example of that status that matches the response's schema", () => {
    expect(contract.exampleProblems()).toEqual([]);
  });

  const rows = [...TABLE_ROWS, ...BAD_TOKEN_ROWS, ...APP_ROWS, ...ITEM_ROWS];
  const check = async (row: ContractRow) => {
    if (row.fault) keycloak.failNext(...row.fault);
    try {
      const { url, answer } = await send(app, row, tokens);
      expect({
        status: answer.status,
        problems: contract.problems(row.method, url, answer),
      }).toEqual({ status: row.status, problems: [] });
    } finally {
      keycloak.clearFaults();
    }
  };
  it.each(rows.filter((row) => !KNOWN_GAPS.has(row.name)))('$name', check);
  it.failing.each(rows.filter((row) => KNOWN_GAPS.has(row.name)))('$name (known gap)', check);
});

describe.each(ADAPTERS)('%s: answers keep the contract while Keycloak is down', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let contract: OpenApiContract;
  let tokens: Tokens;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    tokens = await senderTokens(keycloak);
    await keycloak.stop();
    app = await createTestApp(keycloak, { adapter, env: { JWKS_COOLDOWN_SECONDS: '0' } });
    contract = new OpenApiContract(await servedDocument(app));
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(KEYCLOAK_DOWN_ROWS)('$name', async (row) => {
    const { url, answer } = await send(app, row, tokens);
    expect({ status: answer.status, problems: contract.problems(row.method, url, answer) }).toEqual(
      {
        status: row.status,
        problems: [],
      },
    );
  });
});

describe.each(ADAPTERS)('%s: answers keep the contract while the database is down', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let contract: OpenApiContract;
  let tokens: Tokens;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    tokens = await senderTokens(keycloak);
    // A PostgreSQL that is not there: nothing listens on a port just found free.
    const env = {
      DATABASE_URL: `postgres://nobody:secret-pw@127.0.0.1:${await freePort()}/nothing`,
      DATABASE_TIMEOUT_MS: '500',
    };
    app = await createTestApp(keycloak, { adapter, env });
    contract = new OpenApiContract(await servedDocument(app));
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  it.each(DATABASE_DOWN_ROWS)('$name', async (row) => {
    const { url, answer } = await send(app, row, tokens);
    expect({
      status: answer.status,
      retryAfter: answer.headers['retry-after'],
      problems: contract.problems(row.method, url, answer),
    }).toEqual({
      status: row.status,
      retryAfter: row.path === '/health/ready' ? undefined : '5',
      problems: [],
    });
  });
});

/** The OpenAPI document the app serves at /docs-json. */
async function servedDocument(app: INestApplication): Promise<OpenApiDocument> {
  return (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDocument;
}

/** The Keycloak origin of the OAuth2 URLs: the one part that differs per environment. */
function withoutKeycloakOrigin(document: unknown): unknown {
  const text = JSON.stringify(document).replace(
    /"(authorizationUrl|tokenUrl|refreshUrl)":"https?:\/\/[^/"]+/g,
    '"$1":"{keycloak}',
  );
  return JSON.parse(text);
}

/** A token per sender, made while the stand-in is up; `anonymous` sends none. */
async function senderTokens(keycloak: KeycloakStandIn): Promise<Tokens> {
  return {
    alice: await keycloak.tokenFor('alice'),
    bob: await keycloak.tokenFor('bob'),
    carol: await keycloak.tokenFor('carol'),
    dave: await keycloak.tokenFor('dave'),
    service: await serviceAccountToken(keycloak),
    'alice in organizations': await keycloak.tokenFor('alice', { scope: 'openid organization:*' }),
    'alice without profile': await keycloak.tokenFor('alice', { scope: 'openid email' }),
    'paula of the partners realm': await partnersToken(keycloak),
    'bad token': 'not-a-jwt',
    // Beyond the app's 30 s clock tolerance.
    'expired token': await keycloak.tokenFor('bob', { expiresIn: -120 }),
  };
}

/** paula's token when the stand-in serves the partners realm, else none. */
async function partnersToken(keycloak: KeycloakStandIn): Promise<string | undefined> {
  try {
    return await keycloak.realmNamed('partners').mintAccessToken({ username: 'paula' });
  } catch {
    return undefined;
  }
}

/** Sends a row's request; `:new` in its path is first made an item of alice's. */
async function send(app: INestApplication, row: ContractRow, tokens: Tokens) {
  const agent = request(app.getHttpServer());
  let url = row.path;
  if (url.includes(':new')) {
    const created = await agent
      .post('/items')
      .set('Authorization', `Bearer ${tokens.alice}`)
      .send({ name: 'contract' })
      .expect(201);
    url = url.replace(':new', String((created.body as { id: number }).id));
  }
  let test = agent[row.method.toLowerCase() as 'get'](url);
  const token = tokens[row.as];
  if (token) test = test.set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(row.headers ?? {})) test = test.set(name, value);
  if (typeof row.body === 'string') test = test.set('Content-Type', 'application/json');
  const answer = await (row.body === undefined ? test : test.send(row.body as object));
  return { url, answer };
}

async function serviceAccountToken(keycloak: KeycloakStandIn): Promise<string> {
  const response = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: keycloak.clientId,
      client_secret: keycloak.clientSecret,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
