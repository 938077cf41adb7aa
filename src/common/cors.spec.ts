import { corsAnswer, type CorsPolicy, type CorsRequest } from './cors.js';

const POLICY: CorsPolicy = {
  origins: ['http://localhost:5173'],
  methods: ['GET', 'POST', 'DELETE'],
  exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
};
const LISTED = 'http://localhost:5173';

function ask(method: string, headers: CorsRequest['headers']) {
  return corsAnswer(POLICY, { method, headers });
}

describe('corsAnswer', () => {
  it('adds only Vary: Origin to a request without Origin, OPTIONS included', () => {
    expect(ask('GET', {})).toEqual({ headers: { Vary: 'Origin' }, preflight: false });
    const options = ask('OPTIONS', { 'access-control-request-method': 'GET' });
    expect(options).toEqual({ headers: { Vary: 'Origin' }, preflight: false });
  });

  it('grants a listed origin with credentials and the exposed headers', () => {
    expect(ask('GET', { origin: LISTED })).toEqual({
      headers: {
        'Access-Control-Allow-Origin': LISTED,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After',
        Vary: 'Origin',
      },
      preflight: false,
    });
  });

  it.each([
    'http://evil.example',
    'null',
    'http://localhost:5173.evil.example',
    'HTTP://LOCALHOST:5173',
  ])('grants %s nothing', (origin) => {
    expect(ask('GET', { origin })).toEqual({ headers: { Vary: 'Origin' }, preflight: false });
    const preflight = ask('OPTIONS', { origin, 'access-control-request-method': 'GET' });
    expect(preflight.preflight).toBe(true);
    expect(preflight.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    expect(preflight.headers).not.toHaveProperty('Access-Control-Allow-Credentials');
  });

  it('answers a preflight of a listed origin: methods, the requested headers, credentials', () => {
    const answer = ask('OPTIONS', {
      origin: LISTED,
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(answer).toEqual({
      headers: {
        'Access-Control-Allow-Origin': LISTED,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET,POST,DELETE',
        'Access-Control-Allow-Headers': 'authorization,content-type',
        Vary: 'Origin, Access-Control-Request-Headers',
      },
      preflight: true,
    });
  });

  it('treats an OPTIONS request without Access-Control-Request-Method as a plain request', () => {
    expect(ask('OPTIONS', { origin: LISTED }).preflight).toBe(false);
  });
});
