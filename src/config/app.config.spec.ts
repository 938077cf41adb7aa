import { readAppConfig } from './app.config.js';
import { ConfigValidationError } from './config-validation.js';

const SECRET = 'Sup3r-s3cret-client-value';

/** The ConfigValidationError message `readAppConfig(env)` throws. */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    readAppConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message;
  }
  throw new Error(`expected ConfigValidationError for ${JSON.stringify(env)}`);
}

describe('readAppConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(readAppConfig({}, true)).toEqual({
      port: 8000,
      metricsPort: 9464,
      httpAdapter: 'express',
      corsOrigins: ['http://localhost:3000', 'http://localhost:5173'],
      trustProxy: false,
      swaggerClientId: 'nest-api-web',
      database: { kind: 'pglite', dataDir: '.data/pglite', timeoutMs: 5000, seedDemoItems: false },
      logFormat: 'text',
      logLevel: 'log',
      hstsMaxAgeSeconds: 0,
      shutdown: { drainMs: 5000, timeoutMs: 10000 },
    });
  });

  it('uses PostgreSQL when DATABASE_URL is set, and refuses another scheme', () => {
    expect(readAppConfig({ DATABASE_URL: 'postgres://u:p@db:5432/x' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/x',
      poolMax: 10,
      timeoutMs: 5000,
      seedDemoItems: false,
    });
    expect(() => readAppConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
  });

  it('SEED_DEMO_ITEMS=true asks for the demo items; another value names the variable', () => {
    expect(readAppConfig({ SEED_DEMO_ITEMS: 'true' }).database.seedDemoItems).toBe(true);
    expect(() => readAppConfig({ SEED_DEMO_ITEMS: 'yes' })).toThrow(
      'SEED_DEMO_ITEMS must be true or false',
    );
  });

  it('treats empty variables as unset', () => {
    expect(
      readAppConfig({
        PORT: '',
        CORS_ORIGINS: '',
        TRUST_PROXY: '',
        SWAGGER_CLIENT_ID: '',
        HTTP_ADAPTER: '',
        LOG_FORMAT: '',
        LOG_LEVEL: '',
      }),
    ).toEqual(readAppConfig({}));
  });

  it.each([
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535],
    [' 3000 ', 3000],
  ])('reads PORT=%p as %i', (PORT, port) => {
    expect(readAppConfig({ PORT }).port).toBe(port);
  });

  it.each([
    ['0', 0],
    ['9464', 9464],
    ['65535', 65535],
  ])('reads METRICS_PORT=%p as %i (0: metrics off)', (METRICS_PORT, metricsPort) => {
    expect(readAppConfig({ METRICS_PORT }).metricsPort).toBe(metricsPort);
  });

  it.each(['-1', '65536', '9464x', 'off'])('refuses METRICS_PORT=%p, naming it', (METRICS_PORT) => {
    expect(failure({ METRICS_PORT })).toBe(
      'Invalid configuration: METRICS_PORT must be a whole number from 0 to 65535 (0 turns metrics off)',
    );
  });

  it('refuses METRICS_PORT equal to PORT (metrics never on the API port), but not 0 with any PORT', () => {
    expect(failure({ PORT: '9000', METRICS_PORT: '9000' })).toMatch(
      /^Invalid configuration: METRICS_PORT must differ from PORT /,
    );
    expect(readAppConfig({ PORT: '9000', METRICS_PORT: '9001' }).metricsPort).toBe(9001);
  });

  it.each([
    ['https://app.example.com', ['https://app.example.com']],
    [
      'https://app.example.com, http://localhost:5173 ,http://127.0.0.1:8081',
      ['https://app.example.com', 'http://localhost:5173', 'http://127.0.0.1:8081'],
    ],
  ])('reads CORS_ORIGINS=%p', (CORS_ORIGINS, corsOrigins) => {
    expect(readAppConfig({ CORS_ORIGINS }).corsOrigins).toEqual(corsOrigins);
  });

  it.each<[string, boolean | number | string]>([
    ['false', false],
    ['true', true],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.1', '10.0.0.0/8, 192.168.1.1'],
    ['fe80::/10,10.0.0.0/255.255.0.0', 'fe80::/10,10.0.0.0/255.255.0.0'],
  ])('reads TRUST_PROXY=%p as %p', (TRUST_PROXY, trustProxy) => {
    expect(readAppConfig({ TRUST_PROXY }).trustProxy).toBe(trustProxy);
  });

  it.each(['team-web', 'https://app.example.com/client', 'a'.repeat(255)])(
    'reads SWAGGER_CLIENT_ID=%p',
    (SWAGGER_CLIENT_ID) => {
      expect(readAppConfig({ SWAGGER_CLIENT_ID }).swaggerClientId).toBe(SWAGGER_CLIENT_ID);
    },
  );

  it.each(['express', 'fastify'] as const)('reads HTTP_ADAPTER=%p', (HTTP_ADAPTER) => {
    expect(readAppConfig({ HTTP_ADAPTER }).httpAdapter).toBe(HTTP_ADAPTER);
  });

  it.each([
    [{ LOG_FORMAT: 'text', NODE_ENV: 'production' }, false, 'text'],
    [{ LOG_FORMAT: 'json' }, true, 'json'],
    [{ NODE_ENV: 'production' }, true, 'json'],
    [{}, false, 'json'],
    [{}, true, 'text'],
  ])('reads %p, stdout a terminal: %p, as the log format %p', (env, tty, logFormat) => {
    expect(readAppConfig(env, tty).logFormat).toBe(logFormat);
  });

  it.each(['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const)(
    'reads LOG_LEVEL=%p',
    (LOG_LEVEL) => {
      expect(readAppConfig({ LOG_LEVEL }).logLevel).toBe(LOG_LEVEL);
    },
  );

  it.each([
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', '65536'],
    ['PORT', 'eighty'],
    ['PORT', '-80'],
    ['PORT', '80.5'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', 'https://app.example.com/'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'http://localhost:3000,*'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'ftp://app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com?x=1'],
    ['TRUST_PROXY', 'a;b'],
    ['SWAGGER_CLIENT_ID', 'nest api web'],
    ['SWAGGER_CLIENT_ID', 'a'.repeat(256)],
    ['SWAGGER_CLIENT_ID', 'web\u00e9'],
    ['HTTP_ADAPTER', 'koa'],
    ['HTTP_ADAPTER', 'Fastify'],
    ['HTTP_ADAPTER', 'express,fastify'],
    ['LOG_FORMAT', 'pretty'],
    ['LOG_FORMAT', 'JSON'],
    ['LOG_LEVEL', 'info'],
    ['LOG_LEVEL', 'WARN'],
  ])('refuses %s=%p with a message naming the variable', (name, value) => {
    expect(failure({ [name]: value })).toMatch(new RegExp(`^Invalid configuration: ${name} `));
  });

  // Express compiles `trust proxy` with proxy-addr, which takes only IPs, CIDR ranges and the
  // names loopback / linklocal / uniquelocal: anything else crashes `app.set('trust proxy')`
  // at start-up ("invalid IP address: yes") instead of failing here with the variable's name.
  it.each([
    'yes',
    'True',
    'proxy.internal',
    'loopback, my-proxy',
    '1.2.3.4/33',
    '10.0.0.0/255.0.255.0',
  ])(
    'refuses TRUST_PROXY=%p, which Express cannot compile, with a message naming the variable',
    (TRUST_PROXY) => {
      expect(failure({ TRUST_PROXY })).toMatch(/^Invalid configuration: TRUST_PROXY /);
    },
  );

  it.each([
    ['PORT', 'eighty'],
    ['CORS_ORIGINS', '*'],
  ])('never echoes a client secret given next to a bad %s', (name, value) => {
    const message = failure({ KEYCLOAK_CLIENT_SECRET: SECRET, [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain(SECRET);
  });

  it('does not echo the bad value', () => {
    expect(failure({ CORS_ORIGINS: 'https://leaky.example.com/path' })).not.toContain('leaky');
  });
});
