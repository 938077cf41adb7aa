import { ConsoleLogger, LOG_LEVELS, type LogLevel } from '@nestjs/common';
import type { LogFormat } from './log-format.js';
import { REDACTED, REDACTED_KEYS, redactText } from './redact.js';
import { requestContext } from './request-context.js';

/** Options of {@link AppLogger}. */
export interface AppLoggerOptions {
  /** `LOG_FORMAT`, resolved (see logFormatFor). */
  format: LogFormat;
  /** `LOG_LEVEL`: the least severe level written; every more severe one is written too. */
  level: LogLevel;
  /** Values masked wherever they appear in a line, e.g. the client secret. @default [] */
  secrets?: readonly string[];
  /** Colours in text. @default whether stdout is a terminal */
  colors?: boolean;
}

/** What ConsoleLogger hands to printAsJson besides the message. */
interface JsonRecordOptions {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
  params?: Record<string, unknown>;
  error?: Error;
}

/** The fields every JSON line starts with; a logged object's own fields cannot replace them. */
const LINE_FIELDS = new Set(['time', 'level', 'context', 'pid', 'requestId', 'traceId']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Nest's ConsoleLogger, as the app writes its logs: in JSON one object per line, where a logged
 * object's fields (`{ event, status, reason, … }`) are top-level fields beside `time` (ISO),
 * `level`, `context`, `pid` and the request's `requestId` and `traceId`; in text Nest's own
 * format with the request id after the context. Either way credentials are masked: the keys in
 * REDACTED_KEYS, JWT-shaped strings, `Bearer`/`Basic` credentials and the given secrets.
 */
export class AppLogger extends ConsoleLogger {
  private readonly secrets: readonly string[];

  constructor(options: AppLoggerOptions) {
    const json = options.format === 'json';
    super({
      json,
      colors: !json && (options.colors ?? process.stdout.isTTY === true),
      logLevels: LOG_LEVELS.slice(LOG_LEVELS.indexOf(options.level)),
      flattenParams: true,
      redact: { paths: [...REDACTED_KEYS], censor: REDACTED },
    });
    this.secrets = options.secrets ?? [];
  }

  /** Writes one finished JSON line; a test can override it to capture lines. */
  protected write(line: string, stream: 'stdout' | 'stderr'): void {
    process[stream].write(`${line}\n`);
  }

  protected override printAsJson(message: unknown, options: JsonRecordOptions): void {
    const line = this.stringifyJsonLogObject(this.jsonRecord(message, options));
    this.write(line, options.writeStreamType ?? 'stdout');
  }

  /** Every string of a JSON line, at any depth, goes through redactText. */
  protected override stringifyReplacer(key: string, value: unknown): unknown {
    const replaced = super.stringifyReplacer(key, value);
    return typeof replaced === 'string' ? redactText(replaced, this.secrets) : replaced;
  }

  protected override formatContext(context: string): string {
    const formatted = super.formatContext(context);
    const request = requestContext.getStore();
    return request === undefined ? formatted : `${formatted}(${request.requestId}) `;
  }

  /**
   * In text, a logged object is one line of `key=value` pairs (strings with spaces or quotes are
   * quoted, nested values written as JSON, undefined ones left out) instead of Nest's multi-line
   * inspection: a refusal is one line in a terminal, as it is in JSON.
   */
  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    if (!isPlainObject(message)) return super.stringifyMessage(message, logLevel);
    return Object.entries(message)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${REDACTED_KEYS.includes(key) ? REDACTED : textValue(value)}`)
      .join(' ');
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redactText(super.formatMessage(...args), this.secrets);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack && redactText(stack, this.secrets));
  }

  private jsonRecord(message: unknown, options: JsonRecordOptions): Record<string, unknown> {
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: options.logLevel,
    };
    if (options.context) record.context = options.context;
    record.pid = process.pid;
    const request = requestContext.getStore();
    if (request !== undefined) {
      record.requestId = request.requestId;
      if (request.traceId !== undefined) record.traceId = request.traceId;
    }
    if (isPlainObject(message)) addFields(record, message);
    else record.message = message;
    if (options.params) addFields(record, options.params);
    if (options.errorStack) record.stack = options.errorStack;
    if (options.error) record.error = this.serializeError(options.error);
    return record;
  }
}

function addFields(record: Record<string, unknown>, fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    if (!LINE_FIELDS.has(key) && !Object.hasOwn(record, key)) record[key] = fields[key];
  }
}

/** A field's value in a text line: bare when it is one plain word, else JSON. */
function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
