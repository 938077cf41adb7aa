import { MIN_SECRET_LENGTH, redactText } from './redact.js';

const JWS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const JWE = 'eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn';

describe('redactText', () => {
  it.each([
    ['a JWS', `token ${JWS} refused`, 'token [redacted] refused'],
    ['a JWE (5 parts)', `got ${JWE}`, 'got [redacted]'],
    [
      'a JWT in a query string',
      `/items?access_token=${JWS}&x=1`,
      '/items?access_token=[redacted]&x=1',
    ],
    [
      'a Bearer credential',
      'Authorization: Bearer opaque-token-123',
      'Authorization: Bearer [redacted]',
    ],
    ['a Basic credential', 'Basic bmVzdC1hcGk6c2VjcmV0', 'Basic [redacted]'],
    ['a lower-case scheme', 'bearer abcdefghijkl, next', 'bearer [redacted], next'],
  ])('masks %s', (_label, text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it('masks every occurrence of a configured secret', () => {
    expect(redactText('a S3cr3t-value b S3cr3t-value', ['S3cr3t-value'])).toBe(
      'a [redacted] b [redacted]',
    );
  });

  it(`ignores secrets shorter than ${MIN_SECRET_LENGTH} characters, which would mask words`, () => {
    expect(redactText('the log level', ['log'])).toBe('the log level');
  });

  it.each([
    ['plain text', 'API listening on port 8000'],
    ['a WWW-Authenticate challenge', 'Bearer realm="demo", error="invalid_token"'],
    ['a short word after Bearer', 'Bearer token missing'],
    ['a dotted name that is not a JWT', 'nest-keycloak-auth.audit.trail'],
  ])('leaves %s alone', (_label, text) => {
    expect(redactText(text, ['a-long-secret'])).toBe(text);
  });
});
