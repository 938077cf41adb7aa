import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { ADAPTERS } from './support/adapters.js';
import { createTestApp } from './support/test-app.js';

/** What a client sends that cannot be parsed gets a fixed 4xx, never a parser's text or a 500. */
describe.each(ADAPTERS)('%s: unparseable requests (Keycloak stand-in)', (adapter) => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let alice: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak, { adapter });
    await app.listen(0, '127.0.0.1');
    alice = await keycloak.tokenFor('alice');
  });

  afterAll(async () => {
    await app.close();
    await keycloak.stop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer())
      .post('/items')
      .set({ Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json', ...headers })
      .send(body);

  it('accepts a well-formed body (the pass case)', async () => {
    await post('{"name":"ok"}').expect(201);
  });

  it('answers malformed JSON with a fixed message that does not echo the body', async () => {
    const { body } = await post('{"name": secret-looking-text}').expect(400);
    expect(body).toEqual({ statusCode: 400, message: 'Malformed JSON body', error: 'Bad Request' });
  });

  it('answers a body that claims gzip but is not with 400 Bad Request, not zlib text', async () => {
    const { body } = await post('not gzip', { 'Content-Encoding': 'gzip' }).expect(400);
    expect(body).toEqual({ statusCode: 400, message: 'Bad Request', error: 'Bad Request' });
  });

  /** Sends raw bytes (supertest would serialise a Buffer as JSON) to the listening app. */
  async function postBytes(body: Buffer, headers: Record<string, string>) {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/items`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  it('reads a gzip-compressed body, as body-parser does', async () => {
    const answer = await postBytes(gzipSync('{"name":"zipped"}'), { 'Content-Encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 201, body: { name: 'zipped' } });
  });

  it('applies the size limit to the inflated body: a small gzip of a large one is a 413', async () => {
    const bomb = gzipSync(JSON.stringify({ name: 'x'.repeat(200_000) }));
    expect(bomb.length).toBeLessThan(10_000);
    expect(await postBytes(bomb, { 'Content-Encoding': 'gzip' })).toEqual({
      status: 413,
      body: { statusCode: 413, message: 'Payload Too Large', error: 'Payload Too Large' },
    });
  });

  it('answers an unknown Content-Encoding with 415', async () => {
    const { body } = await post('{"name":"a"}', { 'Content-Encoding': 'compress' }).expect(415);
    expect(body).toEqual({
      statusCode: 415,
      message: 'Unsupported Media Type',
      error: 'Unsupported Media Type',
    });
  });

  it.each(['"a string"', '42', '   '])(
    'answers the JSON body %p, not an object, with 400',
    async (text) => {
      const { body } = await post(text).expect(400);
      expect(body).toEqual({
        statusCode: 400,
        message: 'Malformed JSON body',
        error: 'Bad Request',
      });
    },
  );

  it('reads an empty JSON body as no fields: the validation errors, not a parser error', async () => {
    const { body } = await post('', { 'Content-Type': 'application/json' }).expect(400);
    expect(body).toMatchObject({
      statusCode: 400,
      message: expect.arrayContaining(['name must be a string']),
    });
  });

  it.each([
    [
      'a form (curl -d without a Content-Type)',
      '{"name":"x"}',
      'application/x-www-form-urlencoded',
    ],
    ['a text/plain body', 'name=x', 'text/plain'],
  ])('answers %s with 415 naming the type it reads', async (_label, text, type) => {
    const { body, headers } = await post(text, { 'Content-Type': type }).expect(415);
    expect(body).toEqual({
      statusCode: 415,
      message: 'Content-Type must be application/json',
      error: 'Unsupported Media Type',
    });
    expect(headers['x-request-id']).toBeDefined();
    expect(headers['cache-control']).toBe('no-store');
  });

  it('answers a charset other than UTF with 415', async () => {
    await post('{"name":"a"}', { 'Content-Type': 'application/json; charset=latin1' }).expect(415);
  });

  it('answers a body over the size limit with 413', async () => {
    const { body } = await post(JSON.stringify({ name: 'x'.repeat(200_000) })).expect(413);
    expect(body).toEqual({
      statusCode: 413,
      message: 'Payload Too Large',
      error: 'Payload Too Large',
    });
  });

  it('answers a bad %-escape in the path with 400 Malformed URL', async () => {
    const { body } = await request(app.getHttpServer())
      .get('/items/%E0%A4%A')
      .set('Authorization', `Bearer ${alice}`)
      .expect(400);
    expect(body).toEqual({ statusCode: 400, message: 'Malformed URL', error: 'Bad Request' });
  });

  it('answers a body nested 5,000 levels deep with 400, not a stack overflow', async () => {
    const deep = `{"name":"a","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const { body } = await post(deep).expect(400);
    expect(body).toEqual({
      statusCode: 400,
      message: 'Request body is nested too deeply',
      error: 'Bad Request',
    });
  });

  it('still names unknown properties of a shallow body', async () => {
    const { body } = await post('{"name":"a","extra":{"b":[1,[2]]}}').expect(400);
    expect(body).toMatchObject({ statusCode: 400, message: ['property extra should not exist'] });
  });

  it.each([
    ['an unknown route (404)', () => request(app.getHttpServer()).get('/no-such-route')],
    [
      'an unknown item (404)',
      () =>
        request(app.getHttpServer()).get('/items/999999').set('Authorization', `Bearer ${alice}`),
    ],
    ['a refused token (401)', () => request(app.getHttpServer()).get('/items')],
    ['a validation failure (400)', () => post('{"name":""}')],
    ['malformed JSON (400)', () => post('{"name":')],
    [
      'a form body (415)',
      () => post('a=b', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    ],
  ])('writes %s as statusCode, message, error, in that order', async (_label, send) => {
    const { text, status } = await send();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['statusCode', 'message', 'error']);
  });
});
