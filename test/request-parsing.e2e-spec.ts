import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { KeycloakStandIn } from 'nest-keycloak-auth/testing';
import { createTestApp } from './support/test-app.js';

/** What a client sends that cannot be parsed gets a fixed 4xx, never a parser's text or a 500. */
describe('unparseable requests (Keycloak stand-in)', () => {
  let keycloak: KeycloakStandIn;
  let app: INestApplication;
  let alice: string;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
    app = await createTestApp(keycloak);
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
});
