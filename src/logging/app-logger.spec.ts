import { jest } from '@jest/globals';
import { Logger, type LogLevel } from '@nestjs/common';
import { AppLogger, type AppLoggerOptions } from './app-logger.js';
import { requestContext } from './request-context.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const SECRET = 'client-secret-value';

/** The logger, keeping its JSON lines. */
class Captured extends AppLogger {
  readonly lines: Array<{ line: string; stream: string }> = [];
  protected override write(line: string, stream: 'stdout' | 'stderr'): void {
    this.lines.push({ line, stream });
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
  }
}

const json = (options: Partial<AppLoggerOptions> = {}) =>
  new Captured({ format: 'json', level: 'verbose', secrets: [SECRET], ...options });

describe('AppLogger in JSON', () => {
  it('writes a string message as `message`, with time (ISO), level, context and pid', () => {
    const logger = json();
    logger.log('API listening on port 8000', 'Bootstrap');
    expect(logger.lines).toEqual([{ line: expect.any(String), stream: 'stdout' }]);
    const [record] = logger.records();
    expect(Object.keys(record)).toEqual(['time', 'level', 'context', 'pid', 'message']);
    expect(record).toMatchObject({ level: 'log', context: 'Bootstrap', pid: process.pid });
    expect(record.message).toBe('API listening on port 8000');
    expect(new Date(record.time as string).toISOString()).toBe(record.time);
  });

  it("writes a logged object's fields at top level; the line's own fields cannot be replaced", () => {
    const logger = json();
    logger.warn(
      { event: 'auth_refused', status: 401, reason: 'ERR_AUTH_EXPIRED', level: 'x', pid: 0 },
      'Audit',
    );
    expect(logger.records()).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        context: 'Audit',
        pid: process.pid,
        event: 'auth_refused',
        status: 401,
        reason: 'ERR_AUTH_EXPIRED',
      },
    ]);
  });

  it('writes structured params at top level beside the message', () => {
    const logger = json();
    logger.log('Migrations applied', { count: 3 }, 'Database');
    expect(logger.records()[0]).toMatchObject({ message: 'Migrations applied', count: 3 });
  });

  it('adds requestId and traceId inside a request, and neither outside one', () => {
    const logger = json();
    requestContext.run({ requestId: 'req-1', traceId: 'a'.repeat(32) }, () =>
      logger.log('inside', 'Test'),
    );
    requestContext.run({ requestId: 'req-2', traceId: undefined }, () =>
      logger.log('no trace', 'Test'),
    );
    logger.log('outside', 'Test');
    const [inside, noTrace, outside] = logger.records();
    expect(inside).toMatchObject({ requestId: 'req-1', traceId: 'a'.repeat(32) });
    expect(Object.keys(inside)).toEqual([
      'time',
      'level',
      'context',
      'pid',
      'requestId',
      'traceId',
      'message',
    ]);
    expect(noTrace).toMatchObject({ requestId: 'req-2' });
    expect(noTrace).not.toHaveProperty('traceId');
    expect(outside).not.toHaveProperty('requestId');
  });

  it("reaches the app through Nest's Logger, as the library logs", () => {
    const logger = json();
    Logger.overrideLogger(logger);
    try {
      new Logger('Audit').warn({ event: 'auth_refused', status: 403 });
      new Logger('Audit').error({ event: 'auth_refused', status: 503 });
    } finally {
      Logger.overrideLogger(false);
    }
    expect(logger.records().map((r) => [r.context, r.level, r.status])).toEqual([
      ['Audit', 'warn', 403],
      ['Audit', 'error', 503],
    ]);
    expect(logger.lines.map(({ stream }) => stream)).toEqual(['stdout', 'stderr']);
  });

  it('writes an error with its stack on one line, on stderr', () => {
    const logger = json();
    const error = new Error('boom');
    logger.error('Request failed', error.stack, 'ExceptionsHandler');
    logger.error(error, 'ExceptionsHandler');
    expect(
      logger.lines.every(({ line, stream }) => !line.includes('\n') && stream === 'stderr'),
    ).toBe(true);
    const [withStack, asError] = logger.records();
    expect(withStack).toMatchObject({ message: 'Request failed', stack: error.stack });
    expect(asError).toMatchObject({ message: 'boom', error: { name: 'Error', message: 'boom' } });
  });

  it('masks credential keys at any depth, JWTs, Bearer credentials and the secrets', () => {
    const logger = json();
    logger.warn(
      {
        event: 'careless',
        headers: {
          Authorization: `Bearer ${JWT}`,
          Cookie: 'sid=abc',
          'Sec-WebSocket-Protocol': 'bearer, opaque-protocol-token',
          'x-other': 'kept',
        },
        body: {
          client_secret: SECRET,
          password: 'p',
          refresh_token: 'r',
          nested: [{ token: 't' }],
        },
        url: `/cb?access_token=${JWT}`,
        note: `secret is ${SECRET}`,
      },
      'Test',
    );
    logger.error(new Error(`failed with Bearer opaque-credential-1 and ${JWT}`), 'Test');
    logger.log(`string message with ${JWT}`, 'Test');
    const [fields, error, text] = logger.records();
    expect(fields).toMatchObject({
      headers: {
        Authorization: '[redacted]',
        Cookie: '[redacted]',
        'Sec-WebSocket-Protocol': '[redacted]',
        'x-other': 'kept',
      },
      body: {
        client_secret: '[redacted]',
        password: '[redacted]',
        refresh_token: '[redacted]',
        nested: [{ token: '[redacted]' }],
      },
      url: '/cb?access_token=[redacted]',
      note: 'secret is [redacted]',
    });
    expect(error.message).toBe('failed with Bearer [redacted] and [redacted]');
    expect(text.message).toBe('string message with [redacted]');
    for (const { line } of logger.lines) {
      for (const hidden of [JWT, SECRET, 'sid=abc', 'opaque-credential-1', 'opaque-protocol']) {
        expect(line).not.toContain(hidden);
      }
    }
  });

  it.each<[LogLevel, string[]]>([
    ['verbose', ['verbose', 'debug', 'log', 'warn', 'error', 'fatal']],
    ['log', ['log', 'warn', 'error', 'fatal']],
    ['warn', ['warn', 'error', 'fatal']],
    ['error', ['error', 'fatal']],
  ])('at level %s writes %p', (level, written) => {
    const logger = json({ level });
    for (const method of ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const) {
      logger[method](method, 'Test');
    }
    expect(logger.records().map((record) => record.level)).toEqual(written);
  });
});

describe('AppLogger in text', () => {
  afterEach(() => jest.restoreAllMocks());

  /** What the logger writes to stdout and stderr while `run` runs. */
  function written(run: () => void): string {
    const chunks: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    run();
    jest.restoreAllMocks();
    return chunks.join('');
  }

  it("is Nest's format, with the request id after the context, without colours when told", () => {
    const logger = new AppLogger({ format: 'text', level: 'log', colors: false });
    const output = written(() =>
      requestContext.run({ requestId: 'req-7', traceId: undefined }, () =>
        logger.log('hello', 'Bootstrap'),
      ),
    );
    expect(output).toMatch(/^\[Nest\] \d+ {2}- .+ {5}LOG \[Bootstrap\] \(req-7\) hello\n$/);
    expect(output).not.toContain('\u001b[');
  });

  it('writes a logged object as one line of key=value pairs, leaving out undefined ones', () => {
    const logger = new AppLogger({ format: 'text', level: 'log', colors: false });
    const output = written(() =>
      logger.warn(
        {
          event: 'auth_refused',
          status: 401,
          reason: 'Token expired',
          sub: undefined,
          roles: ['a', 'b'],
          authorization: 'Bearer abc',
        },
        'Audit',
      ),
    );
    expect(output).toMatch(
      /WARN \[Audit\] event=auth_refused status=401 reason="Token expired" roles=\["a","b"\] authorization=\[redacted\]\n$/,
    );
    expect(output.split('\n')).toHaveLength(2);
    expect(output).not.toContain('sub=');
    expect(output).not.toContain('abc');
  });

  it('masks credentials in messages, fields and stacks', () => {
    const logger = new AppLogger({
      format: 'text',
      level: 'log',
      colors: false,
      secrets: [SECRET],
    });
    const output = written(() => {
      logger.log(`token ${JWT}`, 'Test');
      logger.warn({ authorization: 'Basic dXNlcjpwYXNzd29yZA==', note: SECRET }, 'Test');
      logger.error('failed', `Error: ${JWT}\n    at x (y.js:1:1)`, 'Test');
    });
    for (const hidden of [JWT, SECRET, 'dXNlcjpwYXNzd29yZA==']) {
      expect(output).not.toContain(hidden);
    }
    expect(output).toContain('[redacted]');
  });
});
