import { logFormatFor, startupLine } from './log-format.js';

describe('logFormatFor', () => {
  it.each([
    [{ LOG_FORMAT: 'json' }, true, 'json'],
    [{ LOG_FORMAT: 'text', NODE_ENV: 'production' }, false, 'text'],
    [{ NODE_ENV: 'production' }, true, 'json'],
    [{ LOG_FORMAT: '', NODE_ENV: 'production' }, true, 'json'],
    [{}, false, 'json'],
    [{ NODE_ENV: 'development' }, false, 'json'],
    [{}, true, 'text'],
    [{ NODE_ENV: 'development' }, true, 'text'],
    // An invalid value is reported by the config check, in the automatic format.
    [{ LOG_FORMAT: 'xml' }, true, 'text'],
  ])('%p with a terminal: %p -> %p', (env, tty, format) => {
    expect(logFormatFor(env, tty)).toBe(format);
  });
});

describe('startupLine', () => {
  it('is the message alone in text', () => {
    expect(startupLine('text', 'error', 'Invalid configuration: PORT must be…')).toBe(
      'Invalid configuration: PORT must be…\n',
    );
  });

  it("is one JSON object with the logger's fields in JSON", () => {
    const line = startupLine('json', 'error', 'Cannot listen: port 8000 is already in use');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim()).not.toContain('\n');
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record).toEqual({
      time: expect.any(String),
      level: 'error',
      context: 'Bootstrap',
      pid: process.pid,
      message: 'Cannot listen: port 8000 is already in use',
    });
    expect(new Date(record.time as string).toISOString()).toBe(record.time);
  });

  it('carries a stack as a field in JSON and prints it in text, masked either way', () => {
    const stack =
      'Error: boom eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n    at main (main.js:1:1)';
    const json = JSON.parse(startupLine('json', 'fatal', 'boom', stack)) as Record<string, unknown>;
    expect(json).toMatchObject({ level: 'fatal', message: 'boom' });
    expect(json.stack).toBe('Error: boom [redacted]\n    at main (main.js:1:1)');
    expect(startupLine('text', 'fatal', 'boom', stack)).toBe(`${json.stack as string}\n`);
  });
});
